import type { z } from 'zod';
import type { ParseResult } from './parse-result';

/** How far a long command has got, read from its own output lines. */
export interface CommandProgress {
  done: number;
  total: number;
  label: string;
}

export interface CommandOutput {
  stdout: string;
  stderr: string;
  exitCode: number | null;
}

/**
 * One entry of the fixed command catalogue. Arguments are zod-checked before `argv` ever sees them, so no
 * caller can smuggle text into a command line; there is no shell anywhere.
 */
export interface CommandSpec<A extends z.ZodType = z.ZodType, R = unknown> {
  readonly id: string;
  readonly description: string;
  readonly args: A;
  readonly argv: (args: z.infer<A>) => string[];
  readonly privileged: boolean;
  readonly timeoutMs: number;
  /** Data the command reads on stdin (a file's new content); never a password, which elevation adds. */
  readonly stdin?: (args: z.infer<A>) => string;
  readonly parse: (output: CommandOutput, args: z.infer<A>) => ParseResult<R>;
  /** For long work: reads progress off one output line, null for lines that say nothing about it. */
  readonly progress?: (line: string) => CommandProgress | null;
  /** The tool writes its progress lines on stderr (bsdtar -v, ollama pull); by default only stdout is read. */
  readonly progressOnStderr?: boolean;
  /**
   * Where it runs: on the host (the default), or in the passthrough route's Linux guest, which the runner
   * reaches through the host (src/commands/runner.ts resolves the guest's address first).
   */
  readonly target?: 'guest';
}

export type ArgsOf<C> = C extends CommandSpec<infer A, unknown> ? z.input<A> : never;
export type ResultOf<C> = C extends CommandSpec<z.ZodType, infer R> ? R : never;

import type { OutputStream } from '../../types';
import type { MachineView, Scenario } from '../scenario';

export interface OutputLine {
  stream: OutputStream;
  text: string;
}

/** A program that ran: its output, how long it takes in simulated time, and what it changes on success. */
export interface Ran {
  kind: 'ran';
  lines: OutputLine[];
  exitCode: number;
  durationMs: number;
  /** Applied only when the command runs to its end: a cancelled or timed-out command changes nothing. */
  commit: ((state: Scenario) => void) | null;
  /** Exact standard output, where lines cannot say it (a file without a final newline, printed by cat). */
  rawStdout?: string;
  /** What an interrupted run leaves behind (debootstrap's half-built userland), given how many lines it got out. */
  onInterrupt?: (state: Scenario, linesPlayed: number) => void;
  /** What the host itself does when the command ends well: start a detached job, or signal one. */
  hostEffect?: HostEffect;
}

export type HostEffect =
  | { kind: 'detach'; dir: string; argv: readonly string[]; root: boolean }
  | { kind: 'signal'; pgid: number }
  /** The machine was started again: every process, detached jobs too, is gone. */
  | { kind: 'reboot' };

/** The program does not exist on this machine (the host reports spawnError ENOENT). */
export interface Missing {
  kind: 'missing';
}

export type ToolResult = Ran | Missing;

export interface ToolContext {
  readonly machine: MachineView;
  /** Effective uid 0: the user is root, or sudo/doas elevated the command. */
  readonly root: boolean;
  readonly stdin: string | undefined;
  /** Runs another command line on the same machine; sudo and doas use it for the command they wrap. */
  readonly run: (argv: readonly string[], root: boolean, stdin: string | undefined) => ToolResult;
}

export interface Tool {
  readonly program: string;
  /** Where the program is installed on this machine, or null where it does not exist. */
  path(machine: MachineView): string | null;
  run(args: readonly string[], context: ToolContext): ToolResult;
}

const toLines = (stream: OutputStream, text: readonly string[]): OutputLine[] => text.map((line) => ({ stream, text: line }));

export function ran(
  exitCode: number,
  stdout: readonly string[] = [],
  stderr: readonly string[] = [],
  extra: { durationMs?: number; commit?: (state: Scenario) => void; onInterrupt?: Ran['onInterrupt']; hostEffect?: HostEffect } = {},
): Ran {
  return {
    kind: 'ran',
    lines: [...toLines('stdout', stdout), ...toLines('stderr', stderr)],
    exitCode,
    durationMs: extra.durationMs ?? 0,
    commit: extra.commit ?? null,
    ...(extra.onInterrupt ? { onInterrupt: extra.onInterrupt } : {}),
    ...(extra.hostEffect ? { hostEffect: extra.hostEffect } : {}),
  };
}

/** EX_USAGE with the tool's own usage text, for argument lists the simulation does not model. */
export const usage = (text: string): Ran => ran(64, [], text.split('\n'));

/** The same path on FreeBSD and, where the tool exists there too, on Linux. */
export function systemPath(machine: MachineView, paths: { FreeBSD?: string; Linux?: string }): string | null {
  if (machine.os.sysname === 'FreeBSD') return paths.FreeBSD ?? null;
  if (machine.os.sysname === 'Linux') return paths.Linux ?? null;
  return null;
}

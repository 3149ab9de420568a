import { parseFailure, type ParseResult } from './parse-result';
import type { CommandOutput } from './types';

/** Most tools: a non-zero exit means the output is not what the parser expects. */
export function onSuccess<R>(parse: (text: string) => ParseResult<R>) {
  return (out: CommandOutput): ParseResult<R> => {
    if (out.exitCode !== 0) {
      const firstErr = out.stderr.split('\n').find((l) => l.trim() !== '') ?? '';
      return parseFailure('command-failed', `exited with ${out.exitCode ?? 'no code'}${firstErr ? `: ${firstErr}` : ''}`);
    }
    return parse(out.stdout);
  };
}

/** nvidia-smi prints some of its verdicts ("No devices were found") on stdout and some on stderr. */
export function joinStreams(out: CommandOutput): string {
  if (out.stdout === '' || out.stderr === '') return out.stdout + out.stderr;
  return out.stdout.endsWith('\n') ? out.stdout + out.stderr : `${out.stdout}\n${out.stderr}`;
}

/** Commands that change something: success is the exit code, the reason for a failure is their stderr. */
export function doneOrFailed(out: CommandOutput): ParseResult<{ done: true }> {
  return out.exitCode === 0 ? { ok: true, value: { done: true } } : parseFailure('command-failed', out.stderr.trim() || `exited with ${out.exitCode}`);
}

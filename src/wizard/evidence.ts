import type { Message } from '../contract/messages';
import type { Evidence } from '../contract/state';
import type { CommandRun } from '../commands/runner';

const MAX_EVIDENCE_LINES = 40;

/**
 * Evidence from a run: the lines of its output for which `pick` says yes (1-based numbers), or, with no
 * picker, the first lines of stdout and stderr so a failure is never shown without what the tool said.
 */
export function evidenceOf(
  run: CommandRun<unknown>,
  pick?: (line: string, n: number) => boolean,
  note?: Message,
): Evidence {
  const source = run.stdout !== '' ? run.stdout : run.stderr;
  const all = source.split('\n').map((text, i) => ({ n: i + 1, text }));
  if (all.length > 0 && all[all.length - 1]?.text === '') all.pop();
  const lines = (pick ? all.filter((l) => pick(l.text, l.n)) : all).slice(0, MAX_EVIDENCE_LINES);
  return {
    commandId: run.commandId,
    argv: run.argv,
    privileged: run.privileged,
    exitCode: run.exitCode,
    lines,
    ...(note ? { note } : {}),
  };
}

/** Evidence naming exact line numbers (1-based) of a run's stdout. */
export function evidenceAt(run: CommandRun<unknown>, lineNumbers: readonly number[], note?: Message): Evidence {
  const wanted = new Set(lineNumbers);
  return evidenceOf(run, (_line, n) => wanted.has(n), note);
}

/** Evidence for a failed run: both streams, stdout first, since tools put the reason last and on stderr. */
export function failureEvidence(run: CommandRun<unknown>, note?: Message): Evidence {
  const text = [run.stdout, run.stderr].filter((t) => t !== '').map((t) => t.replace(/\n$/, '')).join('\n');
  const lines = text === '' ? [] : text.split('\n').map((line, i) => ({ n: i + 1, text: line }));
  return {
    commandId: run.commandId,
    argv: run.argv,
    privileged: run.privileged,
    exitCode: run.exitCode,
    lines: lines.slice(-MAX_EVIDENCE_LINES),
    ...(note ? { note } : {}),
  };
}

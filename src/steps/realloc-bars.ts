import { msg } from '../contract/messages';
import type { FileChange } from '../contract/plan';
import { getValue, parseShellVars, renderShellVars, setValue } from '../config/formats/shell-vars';
import { fileChange } from '../config/plan';
import type { CommandRun } from '../commands/runner';

export const LOADER = '/boot/loader.conf' as const;

export type Read = CommandRun<{ content: string | null }>;
export type Stat = CommandRun<{ owner: string; group: string; mode: string }>;

export const contentOf = (run: Read): string | null | undefined => (run.parsed.ok ? run.parsed.value.content : undefined);
export const metaOf = (run: Stat) => (run.parsed.ok ? run.parsed.value : undefined);

/** The comment line above every line the wizard adds, so a reader of the file knows where it came from. */
export const addedBy = (why: string) => `Added by eGPU Wizard: ${why}`;

/** loader.conf with hw.pci.realloc_bars=1, proposed only on evidence: a GPU memory range without an address. */
export function reallocBarsChange(loaderRun: Read, statRun: Stat, selector: string): FileChange | null {
  const text = contentOf(loaderRun);
  const meta = metaOf(statRun);
  if (text === undefined || (text !== null && !meta)) return null;
  const doc = parseShellVars(text ?? '', { dialect: 'loader' });
  if (!doc.ok || getValue(doc.value, 'hw.pci.realloc_bars') === '1') return null;
  const after = renderShellVars(
    setValue(doc.value, 'hw.pci.realloc_bars', '1', { comment: addedBy('let the kernel re-place PCI memory ranges the firmware left unassigned') }),
  );
  return fileChange(LOADER, text, after, [msg('steps.boot.reason.realloc', { selector })], text === null ? undefined : meta);
}


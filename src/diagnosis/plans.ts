import { msg } from '../contract/messages';
import type { FileChange } from '../contract/plan';
import { getValue, parseShellVars, renderShellVars, setValue } from '../config/formats/shell-vars';
import { fileChange } from '../config/plan';
import { addedBy, contentOf, LOADER, metaOf, reallocBarsChange, type Read, type Stat } from '../steps/realloc-bars';
import { DSDT_FILE } from './fixes';
import type { PlanRef } from './types';

/**
 * The configuration plans a finding's fixes refer to, built the way the steps build theirs: read
 * loader.conf, change it with the round-tripping editor, show the diff. Null when there is nothing to
 * change (already set) or the file could not be read.
 */

/** loader.conf lines that load a hand-made DSDT. The table itself is the user's work: see the fix's text. */
export function dsdtOverrideChange(loaderRun: Read, statRun: Stat, file: string = DSDT_FILE): FileChange | null {
  const text = contentOf(loaderRun);
  const meta = metaOf(statRun);
  if (text === undefined || (text !== null && !meta)) return null;
  const doc = parseShellVars(text ?? '', { dialect: 'loader' });
  if (!doc.ok) return null;
  if ((getValue(doc.value, 'acpi_dsdt_load') ?? '').toUpperCase() === 'YES' && getValue(doc.value, 'acpi_dsdt_name') === file) return null;
  const why = addedBy('load a hand-made ACPI DSDT that enlarges the PCI root window');
  const loaded = setValue(doc.value, 'acpi_dsdt_load', 'YES', { comment: why });
  const after = renderShellVars(setValue(loaded, 'acpi_dsdt_name', file));
  return fileChange(LOADER, text, after, [msg('diagnosis.plan.dsdt.reason', { file })], text === null ? undefined : meta);
}

/** The change behind a plan fix; `selector` names the GPU in the realloc reason. */
export function planChange(plan: PlanRef, loaderRun: Read, statRun: Stat, selector: string): FileChange | null {
  return plan === 'realloc-bars' ? reallocBarsChange(loaderRun, statRun, selector) : dsdtOverrideChange(loaderRun, statRun);
}

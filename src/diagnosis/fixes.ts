import { msg } from '../contract/messages';
import { tunable, type Parsed } from './inputs';
import type { Fix, FixStatus } from './types';

/** The file the DSDT override loads; the wizard writes the loader.conf lines, never this file. */
export const DSDT_FILE = '/boot/acpi_dsdt.aml';

const manual = (id: string, risk: boolean, status: FixStatus = 'open'): Fix => ({
  kind: 'manual',
  id,
  title: msg(`diagnosis.fix.${id}.title`),
  instruction: msg(`diagnosis.fix.${id}.instruction`),
  risk: risk ? msg(`diagnosis.fix.${id}.risk`) : null,
  status,
});

const isYes = (value: string | undefined): boolean => /^"?(?:1|yes)"?$/i.test(value ?? '');

export const reallocInForce = (parsed: Parsed): boolean => tunable(parsed, 'hw.pci.realloc_bars') === '1';
export const dsdtInForce = (parsed: Parsed): boolean => isYes(parsed.kenv?.acpi_dsdt_load);

/**
 * The Error 12 fixes in the order a careful person tries them: the free and harmless first, the risky last.
 * A fix already in force (realloc_bars in the kernel environment) stays in the list, marked, so the user sees
 * it was tried and why the next one is offered.
 */
export function error12Fixes(parsed: Parsed): Fix[] {
  return [
    manual('power-first', false),
    {
      kind: 'plan',
      plan: 'realloc-bars',
      id: 'realloc-bars',
      title: msg('diagnosis.fix.realloc-bars.title'),
      instruction: msg('diagnosis.fix.realloc-bars.instruction'),
      risk: null,
      status: reallocInForce(parsed) ? 'in-force' : 'open',
    },
    manual('free-address-space', false),
    {
      kind: 'plan',
      plan: 'dsdt-override',
      id: 'dsdt-override',
      title: msg('diagnosis.fix.dsdt-override.title'),
      instruction: msg('diagnosis.fix.dsdt-override.instruction', { file: DSDT_FILE }),
      risk: msg('diagnosis.fix.dsdt-override.risk'),
      status: dsdtInForce(parsed) ? 'in-force' : 'open',
    },
    manual('modified-bios', true),
  ];
}

/** No NVIDIA device on the bus: power, seating and cable, then a cold boot. */
export const enumerationFixes = (): Fix[] => [manual('power-first', false), manual('reseat', false), manual('cold-boot', false)];

export const fix = manual;

import { z } from 'zod';
import { parseFailure, validated, type ParseResult } from '../parse-result';
import { guarded, precheck, splitLines } from './text';

/**
 * The tables FreeBSD's `acpidump -t` lists. Each table's header is printed by acpi_print_sdt() as
 * `  SIG : Length=…, Revision=…, Checksum=…,` (two spaces, the four-character signature) inside `/* … *\/`
 * blocks, followed by the table's own fields, which vary by table and are not read here. Only which tables
 * exist matters to the wizard (a DMAR table means the firmware turned VT-d on).
 *
 *   /*
 *     DMAR: Length=176, Revision=1, Checksum=113,
 *   	OEMID=LENOVO, OEM Table ID=TP-8D, OEM Revision=0x1400,
 *   	Creator ID=INTL, Creator Revision=0x1
 *   	Host Address Width=36
 *    *\/
 */

export const AcpiTable = z
  .object({
    /** Four characters as the firmware wrote them (`DMAR`, `ASF!`, `SSDT`). */
    signature: z.string().length(4),
    length: z.number().int().nonnegative(),
    /** 1-based line of the table's header. */
    line: z.number().int().positive(),
  })
  .strict();
export type AcpiTable = z.infer<typeof AcpiTable>;

export const AcpiTablesOutput = z.object({ tables: z.array(AcpiTable) }).strict();
export type AcpiTablesOutput = z.infer<typeof AcpiTablesOutput>;

const HEADER = /^ {2}([A-Z0-9!_ ]{4}): Length=(\d+), Revision=\d+, Checksum=\d+,?\s*$/;

function parse(text: string): ParseResult<AcpiTablesOutput> {
  const rejected = precheck(text, 'acpidump -t');
  if (rejected) return rejected;
  const tables: AcpiTable[] = [];
  splitLines(text).forEach((line, index) => {
    const header = HEADER.exec(line);
    if (header) tables.push({ signature: header[1] ?? '', length: Number(header[2]), line: index + 1 });
  });
  // Anything else in between is a table's own fields, which differ by table and version: never a reason to refuse.
  if (tables.length === 0) return parseFailure('unexpected-output', 'acpidump -t: no ACPI table header ("  XXXX: Length=…") in the output');
  return validated(AcpiTablesOutput, { tables });
}

export const parseAcpiTables = guarded('acpidump -t', parse);

/**
 * The table list a verbose boot prints (`acpi0: tables DSDT FACP … DMAR`), where no acpidump output is
 * at hand; null when the line is not there (a normal boot does not print it).
 */
export function tablesFromBootLine(lines: readonly string[]): { signatures: string[]; line: number } | null {
  const index = lines.findIndex((l) => /^acpi\d+: tables( [A-Z0-9!_]{4})+\s*$/.test(l));
  if (index < 0) return null;
  return { signatures: (lines[index] ?? '').replace(/^acpi\d+: tables /, '').trim().split(/\s+/), line: index + 1 };
}

import { ran, systemPath, usage, type Tool } from './tool';

const USAGE = 'usage: acpidump [-d] [-t] [-h] [-v] [-f dsdt_input] [-o dsdt_output] [-T table_name]';

/** What acpi_print_sdt() prints for one table; the fields after the header are the same for every table here. */
const tableBlock = (signature: string, index: number): string[] => [
  '/*',
  `  ${signature}: Length=${64 + index * 16}, Revision=1, Checksum=${(37 * (index + 1)) % 256},`,
  '\tOEMID=LENOVO, OEM Table ID=TP-8D, OEM Revision=0x1420,',
  '\tCreator ID= LTP, Creator Revision=0x1',
  ' */',
];

/**
 * `acpidump -t`: the firmware's ACPI tables, read from /dev/mem (root only). The X220's firmware adds the
 * DMAR table only while “Intel (R) VT-d Feature” is enabled, so the scenario's list decides what VT-d looks like.
 */
export const acpidump: Tool = {
  program: 'acpidump',
  path: (m) => systemPath(m, { FreeBSD: '/usr/sbin/acpidump' }),
  run(args, { machine, root }) {
    if (args.length !== 1 || args[0] !== '-t') return usage(USAGE);
    if (!root) return ran(1, [], ['acpidump: /dev/mem: Permission denied']);
    const tables = machine.acpiTables;
    if (tables === undefined || tables.length === 0) return ran(1, [], ['acpidump: Can\'t find ACPI information']);
    const header = ['/*', '  RSD PTR: OEM=LENOVO, ACPI_Rev=2.0x (2)', '\tXSDT=0x00000000dae7e170, length=36, cksum=254', ' */'];
    return ran(0, [...header, ...tables.flatMap(tableBlock)]);
  },
};

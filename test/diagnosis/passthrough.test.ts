import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { describe, expect, it } from 'vitest';
import { AuditLog } from '../../src/audit/audit-log';
import { parseAcpiTables, tablesFromBootLine } from '../../src/commands/parsers/acpi-tables';
import { CommandRunner } from '../../src/commands/runner';
import { diagnoseHost } from '../../src/diagnosis/collect';
import { diagnoseOutputs } from '../../src/diagnosis/engine';
import type { RawOutput } from '../../src/diagnosis/types';
import { vtdSupportOf } from '../../src/hardware/vtd';
import { loadScenario } from '../../src/host/simulated/scenarios';
import { SimulatedHost } from '../../src/host/simulated/simulated-host';
import { sharedFixtureFiles } from '../fixtures-path';

const diagnose = (...outputs: Array<Omit<RawOutput, 'origin'>>) => diagnoseOutputs({ outputs: outputs.map((o) => ({ ...o, origin: null })) });
const read = (file: string): string => readFileSync(file, 'utf8');

/** `acpidump -t` as FreeBSD prints it (acpi_print_sdt), with the tables given. */
function acpidump(signatures: string[]): string {
  const blocks = signatures.map((s, i) =>
    ['/*', `  ${s}: Length=${100 + i}, Revision=1, Checksum=${i},`, '\tOEMID=LENOVO, OEM Table ID=TP-8D, OEM Revision=0x1420,', '\tCreator ID= LTP, Creator Revision=0x1', ' */'].join('\n'),
  );
  return `/*\n  RSD PTR: OEM=LENOVO, ACPI_Rev=2.0x (2)\n\tXSDT=0x00000000dae7e170, length=36, cksum=254\n */\n${blocks.join('\n')}\n`;
}

describe('acpidump -t', () => {
  it('lists every table header with its line, whatever the tables print between them', () => {
    const text = acpidump(['FACP', 'DMAR', 'ASF!']).replace('Creator Revision=0x1\n */\n/*\n  DMAR', 'Creator Revision=0x1\n\tHost Address Width=36\n\tFlags={INTR_REMAP}\n */\n/*\n  DMAR');
    const result = parseAcpiTables(text);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.value.tables.map((t) => t.signature)).toEqual(['FACP', 'DMAR', 'ASF!']);
    for (const table of result.value.tables) expect(text.split('\n')[table.line - 1]).toContain(`  ${table.signature}: Length=`);
  });

  it('refuses output that lists no table at all, and empty or binary input', () => {
    expect(parseAcpiTables('acpidump: /dev/mem: Permission denied\n')).toMatchObject({ ok: false, error: { code: 'unexpected-output' } });
    expect(parseAcpiTables('')).toMatchObject({ ok: false, error: { code: 'empty' } });
    expect(parseAcpiTables('\u0000\u0001')).toMatchObject({ ok: false });
  });

  it('reads the table list of a verbose boot, as two real X220 boots print it', () => {
    const withLine = sharedFixtureFiles('dmesg').filter((f) => /acpi0: tables /.test(read(f)));
    expect(withLine.length).toBeGreaterThan(0);
    for (const file of withLine) {
      const found = tablesFromBootLine(read(file).split('\n'));
      expect(found?.signatures).toContain('DSDT');
    }
  });
});

describe('which X220 CPUs have VT-d', () => {
  it.each([
    ['Intel(R) Core(TM) i5-2520M CPU @ 2.50GHz', 'yes'],
    ['Intel(R) Core(TM) i7-2620M CPU @ 2.70GHz', 'yes'],
    ['Intel(R) Core(TM) i5-2430M CPU @ 2.40GHz', 'no'],
    ['Intel(R) Core(TM) i3-2310M CPU @ 2.10GHz', 'no'],
    ['AMD Ryzen 7 3700X 8-Core Processor', 'unknown'],
  ])('%s: %s', (cpu, vtd) => {
    expect(vtdSupportOf(cpu).vtd).toBe(vtd);
  });
});

describe('a GPU reserved for bhyve passthrough', () => {
  const files = sharedFixtureFiles('pciconf').filter((f) => basename(f).startsWith('nv-ppt-'));

  it.each(files.map((f) => [basename(f), f]))('%s: an NVIDIA card on ppt is reserved, never "no driver"', (_name, file) => {
    const text = read(file);
    const nvidiaOnPpt = text.split('\n').filter((l) => /^ppt\d+@pci[\d:]+:\s+class=0x03\S* .*vendor=0x10de/.test(l));
    const diagnosis = diagnose({ source: 'pciconf', text }, { source: 'kldstat', text: 'Id Refs Address                Size Name\n 1   30 0xffffffff80200000  1f3e2d0 kernel\n' });
    const reserved = diagnosis.findings.filter((f) => f.id === 'gpu-reserved-for-passthrough');
    expect(reserved.map((f) => f.evidence[0]?.text)).toEqual(nvidiaOnPpt);
    expect(reserved.every((f) => f.severity === 'info')).toBe(true);
    const reservedSelectors = reserved.map((f) => f.device?.selector);
    // The driver rule would say "nvidia.ko is not loaded" for these; it must leave them alone.
    expect(diagnosis.findings.filter((f) => f.id === 'gpu-no-driver' && reservedSelectors.includes(f.device?.selector ?? null))).toEqual([]);
  });

  it('at least one shared pciconf has an NVIDIA GPU on ppt (the test above is not vacuous)', () => {
    expect(files.some((f) => /^ppt\d+@pci[\d:]+:\s+class=0x03\S* .*vendor=0x10de/m.test(read(f)))).toBe(true);
  });
});

describe('iommu-missing', () => {
  const cpuLine = (model: string) => `CPU: Intel(R) Core(TM) ${model} CPU @ 2.50GHz (2491.97-MHz K8-class CPU)\n`;

  it('names the BIOS option when the CPU has VT-d and the firmware has no DMAR table', () => {
    const d = diagnose({ source: 'acpidump', text: acpidump(['FACP', 'APIC', 'MCFG']) }, { source: 'dmesg-boot', text: cpuLine('i5-2520M') });
    const finding = d.findings.find((f) => f.id === 'iommu-missing');
    expect(finding?.explanation.key).toBe('diagnosis.iommu-missing.bios');
    expect(finding?.fixes.map((f) => f.id)).toEqual(['enable-vtd', 'use-jail-route']);
    expect(finding?.evidence.map((e) => e.source)).toEqual(['acpidump', 'acpidump', 'acpidump', 'dmesg-boot']);
  });

  it('says the machine cannot when the CPU has no VT-d, even without the table list', () => {
    const d = diagnose({ source: 'dmesg-boot', text: cpuLine('i5-2430M') });
    const finding = d.findings.find((f) => f.id === 'iommu-missing');
    expect(finding?.explanation.key).toBe('diagnosis.iommu-missing.cpu');
    expect(finding?.fixes.map((f) => f.id)).toEqual(['use-jail-route']);
  });

  it('says nothing when the DMAR table is there, or when nothing shows either way', () => {
    expect(diagnose({ source: 'acpidump', text: acpidump(['FACP', 'DMAR']) }, { source: 'dmesg-boot', text: cpuLine('i5-2430M') }).findings.map((f) => f.id)).not.toContain('iommu-missing');
    expect(diagnose({ source: 'dmesg-boot', text: cpuLine('i5-2520M') }).findings.map((f) => f.id)).not.toContain('iommu-missing');
  });

  it('real X220 boots: a verbose boot listing DMAR gives no finding; an i5-2430M gives the CPU cause', () => {
    for (const file of sharedFixtureFiles('dmesg').filter((f) => basename(f).startsWith('x220-'))) {
      const text = read(file);
      const ids = diagnose({ source: 'dmesg-boot', text }).findings.filter((f) => f.id === 'iommu-missing');
      if (/^acpi0: tables .*DMAR/m.test(text)) expect(ids).toEqual([]);
      if (/^CPU: .*i5-2430M/m.test(text)) expect(ids.map((f) => f.explanation.key)).toEqual(['diagnosis.iommu-missing.cpu']);
    }
  });
});

describe('live diagnosis on the simulated X220s', () => {
  const diagnoseSim = async (scenario: string) => {
    const host = new SimulatedHost(loadScenario(scenario), { timeScale: 0 });
    return (await diagnoseHost(new CommandRunner(host, new AuditLog(null), () => ({ method: 'sudo', password: 'demo' })))).diagnosis;
  };

  it('x220-no-vtd: iommu-missing names the BIOS option, with the table list as evidence', async () => {
    const d = await diagnoseSim('x220-no-vtd');
    expect(d.sources).toContain('acpidump');
    const finding = d.findings.find((f) => f.id === 'iommu-missing');
    expect(finding?.explanation).toMatchObject({ key: 'diagnosis.iommu-missing.bios', params: { cpu: 'i5-2520M' } });
  });

  it('x220-vtd: the DMAR table is there, so no iommu-missing', async () => {
    const d = await diagnoseSim('x220-vtd');
    expect(d.sources).toContain('acpidump');
    expect(d.findings.map((f) => f.id)).not.toContain('iommu-missing');
  });
});

import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { describe, expect, it } from 'vitest';
import { captureOutput } from '../capture-output';
import { main } from '../../src/cli';
import { Diagnosis, type Finding } from '../../src/diagnosis/types';
import { sharedFixtureFiles } from '../fixtures-path';

/** The one shared "pciconf" file that is a Markdown table of PCI ids, not pciconf output. */
const NOT_PCICONF = 'nv-pascal-gl-README-md-93122ddc.txt';

const output = captureOutput();

/** Runs `diagnose --from-files KIND=FILE --json` and checks the contract: exit 0/1, valid JSON, true evidence. */
async function diagnoseFile(kind: 'pciconf' | 'dmesg', file: string): Promise<Diagnosis> {
  const code = await main(['diagnose', '--from-files', `${kind}=${file}`, '--json']);
  expect(output.err.join('')).toBe('');
  const diagnosis = Diagnosis.parse(JSON.parse(output.out.join('')));
  expect(code).toBe(diagnosis.findings.some((f) => f.severity === 'error') ? 1 : 0);
  expect(diagnosis.unreadable).toEqual([]);
  // Every evidence line is the file's own line at that number.
  const lines = readFileSync(file, 'utf8').split('\n');
  for (const finding of diagnosis.findings) {
    for (const e of finding.evidence) {
      expect(e.source).toBe(kind);
      expect(lines[e.line - 1]?.replace(/\r$/, '')).toBe(e.text);
    }
  }
  return diagnosis;
}

const ids = (d: Diagnosis): string[] => d.findings.map((f) => f.id);
const ofId = (d: Diagnosis, id: Finding['id']): Finding[] => d.findings.filter((f) => f.id === id);
const fixtureLines = (file: string, pattern: RegExp): string[] => readFileSync(file, 'utf8').split('\n').filter((l) => pattern.test(l));

describe('diagnose --from-files on every real dmesg', () => {
  const files = sharedFixtureFiles('dmesg').map((f) => [basename(f), f] as const);

  it.each(files)('%s runs without an error', async (_name, file) => {
    await diagnoseFile('dmesg', file);
  });

  it.each(files.filter(([n]) => n.startsWith('memwin-fail-')))('%s: pci-window-alloc-failed, with every memory window failure as evidence', async (_name, file) => {
    const d = await diagnoseFile('dmesg', file);
    const windows = ofId(d, 'pci-window-alloc-failed');
    expect(windows.length).toBeGreaterThan(0);
    const failing = fixtureLines(file, /failed to allocate initial (memory|prefetch) window/);
    const cited = windows.flatMap((f) => f.evidence.map((e) => e.text));
    for (const line of failing) expect(cited).toContain(line);
    // dmesg alone does not show where an NVIDIA GPU sits: never an error, at most a warning that says so.
    expect(windows.every((f) => f.severity !== 'error')).toBe(true);
  });

  it.each(files.filter(([n]) => n.startsWith('bar-fail-')))('%s: pci-bar-alloc-failed for the device that printed it', async (_name, file) => {
    const d = await diagnoseFile('dmesg', file);
    const bars = ofId(d, 'pci-bar-alloc-failed');
    expect(bars.length).toBeGreaterThan(0);
    const failing = fixtureLines(file, /bar 0x[0-9a-f]+ failed to allocate/);
    expect(bars.flatMap((f) => f.evidence.map((e) => e.text))).toEqual(expect.arrayContaining(failing));
    // The file's failing BARs are the I/O ports of pci0:8:0:0, which its attach lines show is a Marvell AHCI
    // controller (ahci0 … on pci8), not a GPU: information only.
    expect(bars.map((f) => f.severity)).toEqual(['info']);
    expect(bars[0]?.explanation.params?.devices).toBe('ahci0');
  });

  it.each(files.filter(([n]) => n.startsWith('nvrm-api-mismatch-')))('%s: nvidia-version-mismatch with both versions', async (_name, file) => {
    const d = await diagnoseFile('dmesg', file);
    const [finding] = ofId(d, 'nvidia-version-mismatch');
    const versions = /client has the version (\S+?),? but/.exec(readFileSync(file, 'utf8'));
    expect(finding?.severity).toBe('error');
    expect(finding?.explanation.params?.client).toBe(versions?.[1]);
    expect(finding?.evidence[0]?.text).toMatch(/^NVRM: API mismatch/);
  });

  it.each(files.filter(([n]) => n.startsWith('nvrm-legacy-')))('%s: nvidia-legacy-branch naming the branch', async (_name, file) => {
    const d = await diagnoseFile('dmesg', file);
    const [finding] = ofId(d, 'nvidia-legacy-branch');
    const branch = /supported through the NVIDIA (\d+)\.xx Legacy/.exec(readFileSync(file, 'utf8'))?.[1];
    expect(finding?.explanation.params?.branch).toBe(branch);
    expect(finding?.fixes[0]?.instruction.params?.branch).toBe(branch);
    // The legacy notice explains why nothing attached; no second finding says the same.
    expect(ids(d)).not.toContain('gpu-no-driver');
  });

  it.each(files.filter(([n]) => n.startsWith('nvrm-xid-')))('%s: nvidia-xid with the number explained', async (_name, file) => {
    const d = await diagnoseFile('dmesg', file);
    const codes = new Set(fixtureLines(file, /^NVRM: Xid /).map((l) => Number(/\): (\d+),/.exec(l)?.[1])));
    const xids = ofId(d, 'nvidia-xid');
    expect(new Set(xids.map((f) => f.explanation.params?.code))).toEqual(codes);
    for (const f of xids) expect(f.explanation.key).toBe(`diagnosis.xid.${f.explanation.params?.code}`);
  });

  it.each(files.filter(([n]) => n.startsWith('x220-')))('%s: no Error 12 finding on a healthy X220', async (_name, file) => {
    const d = await diagnoseFile('dmesg', file);
    expect(ids(d).filter((id) => id.startsWith('pci-'))).toEqual([]);
  });

  it('does not blame the GPU for window failures on other bridges (X670E: nvidia0 on vgapci0 behind pcib1)', async () => {
    const file = sharedFixtureFiles('dmesg').find((f) => basename(f).startsWith('nvidia-attach-X670E'));
    const d = await diagnoseFile('dmesg', file ?? '');
    const windows = ofId(d, 'pci-window-alloc-failed');
    expect(windows.map((f) => f.severity)).toEqual(['info']);
    expect(windows[0]?.bridges.map((b) => b.name)).not.toContain('pcib1');
    expect(windows[0]?.bridges.map((b) => b.name)).toEqual(expect.arrayContaining(['pcib2', 'pcib19']));
  });
});

describe('diagnose --from-files on every real pciconf', () => {
  const files = sharedFixtureFiles('pciconf').map((f) => [basename(f), f] as const);

  it.each(files.filter(([n]) => n !== NOT_PCICONF))('%s runs without an error', async (_name, file) => {
    const d = await diagnoseFile('pciconf', file);
    // pciconf alone never proves a window failure; no file here has an NVIDIA GPU without its BARs.
    expect(ids(d)).not.toContain('pci-window-alloc-failed');
    expect(ids(d)).not.toContain('pci-bar-alloc-failed');
  });

  it('refuses the Markdown file that is not pciconf output, in one line, with exit code 2', async () => {
    const file = files.find(([n]) => n === NOT_PCICONF)?.[1] ?? '';
    expect(await main(['diagnose', '--from-files', `pciconf=${file}`, '--json'])).toBe(2);
    expect(output.out.join('')).toBe('');
    expect(output.err.join('')).toMatch(/^egpu-wizard: pciconf file .+ is not pciconf output: no device header line such as .+ \(line 1\)\n$/);
  });

  it.each(files.filter(([n]) => n.startsWith('x220-')))('%s: no NVIDIA GPU, so gpu-not-enumerated and nothing else', async (_name, file) => {
    const d = await diagnoseFile('pciconf', file);
    expect(ids(d)).toEqual(['gpu-not-enumerated']);
  });

  /**
   * The one-lane files, judged by their content: the GPU's link against the port above it. The four P5Q-E
   * files are named for a one-lane link, but their GPU (a PCIe 1.x GeForce) runs x8 in an x8 port at 2.5 GT/s,
   * the most both ends can do: not degraded.
   */
  it.each(files.filter(([n]) => n.startsWith('nv-x1link-')))('%s: link-degraded exactly when the GPU trained below both ends', async (name, file) => {
    const d = await diagnoseFile('pciconf', file);
    const degraded = ofId(d, 'link-degraded');
    if (name.startsWith('nv-x1link-P5Q-E-')) {
      expect(degraded).toEqual([]);
      return;
    }
    expect(degraded.length).toBeGreaterThan(0);
    for (const f of degraded) {
      const [gpuLink, portLink] = f.evidence.filter((e) => /link x\d/.test(e.text)).map((e) => /link x(\d+)\(x(\d+)\) speed ([\d.]+)\(([\d.]+)\)/.exec(e.text));
      expect(gpuLink?.[1]).toBe(portLink?.[1]); // both ends agree on the negotiated link
      const possibleWidth = Math.min(Number(gpuLink?.[2]), Number(portLink?.[2]));
      const possibleSpeed = Math.min(Number(gpuLink?.[4]), Number(portLink?.[4]));
      expect(Number(gpuLink?.[1]) < possibleWidth || Number(gpuLink?.[3]) < possibleSpeed).toBe(true);
    }
  });
});

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ParseResult } from '../../src/commands/parse-result';
import { parseNvidiaSmi, type NvidiaSmiOutput } from '../../src/commands/parsers/nvidia-smi';
import { NvidiaSmiQueryField, parseNvidiaSmiCsv, type NvidiaSmiCsvOutput } from '../../src/commands/parsers/nvidia-smi-csv';

const own = (name: string): string => readFileSync(join(import.meta.dirname, '..', 'fixtures', 'outputs', name), 'utf8');

function ok<T>(result: ParseResult<T>): T {
  if (!result.ok) throw new Error(`expected a parse, got ${result.error.code}: ${result.error.message} (line ${result.error.line})`);
  return result.value;
}

const teslaP4 = {
  index: 0,
  name: 'Tesla P4',
  busId: '00000000:05:00.0',
  persistence: false,
  fanPercent: null,
  perfState: 'P8',
  powerDrawW: 6,
  powerCapW: 75,
  utilizationPercent: 0,
  computeMode: 'Default',
};

describe('parseNvidiaSmi tables', () => {
  it('reads the 550-series layout (Tesla P4, no fan)', () => {
    const output: NvidiaSmiOutput = ok(parseNvidiaSmi(own('nvidia-smi-tesla-p4-550.txt')));
    expect(output).toEqual({
      status: 'ok',
      message: null,
      driverVersion: '550.127.05',
      cudaVersion: '12.4',
      gpus: [{ ...teslaP4, temperatureC: 36, memoryUsedMiB: 0, memoryTotalMiB: 7680 }],
      processes: [],
      unparsed: [],
    });
  });

  it('reads the 580-series layout with CUDA 13.0 and a running process', () => {
    const output = ok(parseNvidiaSmi(own('nvidia-smi-tesla-p4-580.txt')));
    expect(output.driverVersion).toBe('580.95.05');
    expect(output.cudaVersion).toBe('13.0');
    expect(output.gpus).toEqual([
      { ...teslaP4, temperatureC: 52, perfState: 'P0', powerDrawW: 24, memoryUsedMiB: 1547, memoryTotalMiB: 7680, utilizationPercent: 41 },
    ]);
    expect(output.processes).toEqual([{ gpu: 0, pid: 2417, type: 'C', name: 'python3.11', memoryMiB: 1544 }]);
  });

  it('reads the older layout (470 series, MIG row)', () => {
    const output = ok(parseNvidiaSmi(own('nvidia-smi-tesla-p4-470.txt')));
    expect(output).toMatchObject({ status: 'ok', driverVersion: '470.86', cudaVersion: '11.4', processes: [] });
    expect(output.gpus).toEqual([{ ...teslaP4, temperatureC: 31, memoryUsedMiB: 0, memoryTotalMiB: 7611 }]);
  });

  it('reads the oldest layout with two GPUs, a fan, N/A power and CUDA N/A', () => {
    const output = ok(parseNvidiaSmi(own('nvidia-smi-two-gpus-440.txt')));
    expect(output.cudaVersion).toBeNull();
    expect(output.gpus.map((g) => [g.index, g.name, g.fanPercent, g.powerDrawW, g.powerCapW, g.memoryTotalMiB])).toEqual([
      [0, 'GeForce GTX 105...', 35, null, 75, 4038],
      [1, 'Tesla P4', null, 23, 75, 7611],
    ]);
    expect(output.processes).toEqual([
      { gpu: 0, pid: 1347, type: 'G', name: '/usr/local/bin/Xorg', memoryMiB: 207 },
      { gpu: 1, pid: 2210, type: 'C', name: 'python3.9', memoryMiB: 1017 },
    ]);
  });

  it('reads a table without a Processes section and a header without CUDA version', () => {
    const text = own('nvidia-smi-tesla-p4-470.txt')
      .split('\n')
      .slice(0, 12)
      .join('\n')
      .replace('CUDA Version: 11.4     ', '                       ');
    const output = ok(parseNvidiaSmi(text));
    expect(output.cudaVersion).toBeNull();
    expect(output.processes).toBeNull();
    expect(output.gpus).toHaveLength(1);
  });

  it('reads the R610 header names (KMD Version, CUDA UMD Version)', () => {
    const text = own('nvidia-smi-tesla-p4-580.txt').replace(
      '| NVIDIA-SMI 580.95.05              Driver Version: 580.95.05      CUDA Version: 13.0     |',
      '| NVIDIA-SMI 610.43.02              KMD Version: 610.43.02     CUDA UMD Version: 13.3     |',
    );
    expect(ok(parseNvidiaSmi(text))).toMatchObject({ driverVersion: '610.43.02', cudaVersion: '13.3' });
  });
});

describe('parseNvidiaSmi verdicts', () => {
  it('no devices', () => {
    expect(ok(parseNvidiaSmi(own('nvidia-smi-no-devices.txt')))).toEqual({
      status: 'no-devices',
      message: 'No devices were found',
      driverVersion: null,
      cudaVersion: null,
      gpus: [],
      processes: null,
      unparsed: [],
    });
  });

  it('no driver', () => {
    const output = ok(parseNvidiaSmi(own('nvidia-smi-no-driver.txt')));
    expect(output.status).toBe('no-driver');
    expect(output.message).toBe(
      "NVIDIA-SMI has failed because it couldn't communicate with the NVIDIA driver. Make sure that the latest NVIDIA driver is installed and running.",
    );
    expect(output.gpus).toEqual([]);
  });

  it('NVML initialisation failures count as no driver, with the reason kept', () => {
    expect(ok(parseNvidiaSmi(own('nvidia-smi-nvml-mismatch.txt')))).toMatchObject({
      status: 'no-driver',
      message: 'Failed to initialize NVML: Driver/library version mismatch',
    });
  });
});

describe('parseNvidiaSmi rejects what it cannot read', () => {
  const table = own('nvidia-smi-tesla-p4-550.txt');
  const lines = table.split('\n');

  it('empty, garbage and binary input', () => {
    expect(parseNvidiaSmi('')).toMatchObject({ ok: false, error: { code: 'empty' } });
    expect(parseNvidiaSmi('\n  \n')).toMatchObject({ ok: false, error: { code: 'empty' } });
    expect(parseNvidiaSmi('sh: nvidia-smi: not found\n')).toMatchObject({ ok: false, error: { code: 'unexpected-output' } });
    expect(parseNvidiaSmi('\u0000\u0001\u0002')).toMatchObject({ ok: false, error: { code: 'malformed' } });
  });

  it('every truncation of the table is an error or an honest prefix', () => {
    for (let cut = 1; cut < lines.length; cut++) {
      const result = parseNvidiaSmi(lines.slice(0, cut).join('\n'));
      // Only a cut after the GPU table may parse: then it parses as a table without processes.
      if (result.ok) {
        expect(cut).toBeGreaterThanOrEqual(12);
        expect(result.value.gpus).toEqual(ok(parseNvidiaSmi(table)).gpus);
      }
    }
    for (let cut = 1; cut < table.length; cut += 7) expect(() => parseNvidiaSmi(table.slice(0, cut))).not.toThrow();
  });

  it('sets aside a warning above the table, stray lines inside it and an unreadable process row', () => {
    const with_ = [...lines];
    with_.splice(11, 0, 'WARNING: infoROM is corrupted at gpu 0000:05:00.0', '');
    with_.splice(0, 0, 'WARNING: infoROM is corrupted at gpu 0000:05:00.0');
    const processRow = '|    0   N/A  N/A            2417      C   python3.11                             lots    |';
    const rule = with_.findIndex((l, i) => i > 15 && /^\|=+\|$/.test(l));
    with_.splice(rule + 1, 0, processRow);
    const output = ok(parseNvidiaSmi(with_.join('\n')));
    expect(output.unparsed).toEqual([
      { line: 1, text: 'WARNING: infoROM is corrupted at gpu 0000:05:00.0' },
      { line: 13, text: 'WARNING: infoROM is corrupted at gpu 0000:05:00.0' },
      { line: rule + 2, text: processRow },
    ]);
    expect({ ...output, unparsed: [] }).toEqual(ok(parseNvidiaSmi(table)));
  });

  it('of two GPUs, one with rows it cannot read: the other is read, the unreadable rows set aside', () => {
    const two = own('nvidia-smi-two-gpus-440.txt');
    const output = ok(parseNvidiaSmi(two.replace('|   1027MiB /  7611MiB |', '|   1027MiB /   lots   |')));
    expect(output.gpus.map((g) => g.name)).toEqual(['GeForce GTX 105...']);
    expect(output.unparsed.map((u) => u.line)).toEqual([11, 12]);
  });

  it('a mangled GPU row of the only GPU is an error with its line', () => {
    const broken = table.replace('|       0MiB /   7680MiB |', '|       0MiB /   lots    |');
    expect(parseNvidiaSmi(broken)).toMatchObject({ ok: false, error: { code: 'malformed', line: 10 } });
    const noBus = table.replace('00000000:05:00.0', 'somewhere      ');
    expect(parseNvidiaSmi(noBus)).toMatchObject({ ok: false, error: { line: 9 } });
  });
});

const ALL_FIELDS = NvidiaSmiQueryField.options;

describe('parseNvidiaSmiCsv', () => {
  it('reads every supported field for a Tesla P4', () => {
    const output: NvidiaSmiCsvOutput = ok(parseNvidiaSmiCsv(own('nvidia-smi-csv-tesla-p4.txt'), ALL_FIELDS));
    expect(output.status).toBe('ok');
    expect(output.message).toBeNull();
    expect(output.rows).toEqual([
      {
        index: 0,
        name: 'Tesla P4',
        'pci.bus_id': '00000000:05:00.0',
        driver_version: '550.127.05',
        'memory.total': 7680,
        'memory.used': 0,
        'temperature.gpu': 36,
        'power.draw': 6.52,
        'power.limit': 75,
        'clocks.sm': 455,
        'clocks.max.sm': 1531,
        'clocks_throttle_reasons.active': '0x0000000000000001',
        'clocks_throttle_reasons.hw_thermal_slowdown': 'Not Active',
        'clocks_throttle_reasons.sw_thermal_slowdown': 'Not Active',
        'utilization.gpu': 0,
        'pcie.link.gen.current': 1,
        'pcie.link.gen.max': 2,
        'pcie.link.width.current': 1,
        'pcie.link.width.max': 1,
        uuid: 'GPU-6c1a0e5e-3b9f-2d4a-8f7e-1b2c3d4e5f60',
        vbios_version: '86.04.55.00.01',
        pstate: 'P8',
      },
    ]);
  });

  it('reads several GPUs and unavailable values as null', () => {
    const fields = ['index', 'name', 'power.draw', 'temperature.gpu', 'pstate'] as const;
    const output = ok(parseNvidiaSmiCsv('0, GeForce GTX 1050 Ti, [N/A], 38, P0\n1, Tesla P4, 23.91, 44, P0\n2, Tesla P4, [Not Supported], N/A, [Unknown Error]\n', fields));
    expect(output.rows).toEqual([
      { index: 0, name: 'GeForce GTX 1050 Ti', 'power.draw': null, 'temperature.gpu': 38, pstate: 'P0' },
      { index: 1, name: 'Tesla P4', 'power.draw': 23.91, 'temperature.gpu': 44, pstate: 'P0' },
      { index: 2, name: 'Tesla P4', 'power.draw': null, 'temperature.gpu': null, pstate: null },
    ]);
  });

  it('verdicts instead of rows', () => {
    expect(ok(parseNvidiaSmiCsv(own('nvidia-smi-no-devices.txt'), ['index']))).toEqual({ status: 'no-devices', message: 'No devices were found', rows: [], unparsed: [] });
    expect(ok(parseNvidiaSmiCsv(own('nvidia-smi-no-driver.txt'), ['index']))).toMatchObject({ status: 'no-driver', rows: [] });
  });

  it('sets aside a warning line and a row it cannot read, and reads the other GPUs', () => {
    const fields = ['index', 'name', 'temperature.gpu'] as const;
    const output = ok(parseNvidiaSmiCsv('WARNING: infoROM is corrupted at gpu 0000:01:00.0\n0, NVIDIA A2, 16GB, 1\n1, Tesla P4, 44\n', fields));
    expect(output).toEqual({
      status: 'ok',
      message: null,
      rows: [{ index: 1, name: 'Tesla P4', 'temperature.gpu': 44 }],
      unparsed: [
        { line: 1, text: 'WARNING: infoROM is corrupted at gpu 0000:01:00.0' },
        { line: 2, text: '0, NVIDIA A2, 16GB, 1' },
      ],
    });
  });

  it('rejects output of which no line can be read (wrong column count, non-numbers), unknown-field complaints, and empty input', () => {
    expect(parseNvidiaSmiCsv('0, Tesla P4\n', ['index', 'name', 'uuid'])).toMatchObject({ ok: false, error: { code: 'truncated', line: 1 } });
    expect(parseNvidiaSmiCsv('0, NVIDIA A2, 16GB, 1\n', ['index', 'name', 'memory.total'])).toMatchObject({ ok: false, error: { code: 'malformed', line: 1 } });
    expect(parseNvidiaSmiCsv('0, Tesla P4, hot\n', ['index', 'name', 'temperature.gpu'])).toMatchObject({ ok: false, error: { code: 'malformed', line: 1 } });
    expect(parseNvidiaSmiCsv('Field "clocks.max.sm" is not a valid field to query.\n', ['clocks.max.sm'])).toMatchObject({
      ok: false,
      error: { code: 'unexpected-output' },
    });
    expect(parseNvidiaSmiCsv('', ['index'])).toMatchObject({ ok: false, error: { code: 'empty' } });
    expect(parseNvidiaSmiCsv('0\n', [])).toMatchObject({ ok: false });
  });
});

import { readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseLlamaLog, type LlamaLog } from '../../src/bench/llama-log';
import type { ParseResult, UnparsedLine } from '../../src/commands/parse-result';
import { parseDmesg, type DmesgOutput } from '../../src/commands/parsers/dmesg';
import { parseKenv } from '../../src/commands/parsers/kenv';
import { parseKldstat } from '../../src/commands/parsers/kldstat';
import { parseNvidiaSmi } from '../../src/commands/parsers/nvidia-smi';
import { parsePkgQuery } from '../../src/commands/parsers/pkg-query';
import { parsePciconf, type PciconfOutput } from '../../src/commands/parsers/pciconf';
import { splitLines } from '../../src/commands/parsers/text';
import { sharedFixtureFiles } from '../fixtures-path';

/**
 * Properties over real outputs: lines a parser does not know, spliced in anywhere, never cost the user
 * what the output holds. Every device, attachment or entry found in the original is found again with the
 * same fields (line numbers moved by the splice), and every spliced line the parser cannot read is
 * reported in `unparsed` at its own line number.
 */

const ownDir = join(import.meta.dirname, '..', 'fixtures', 'outputs');
const ownFile = (name: string): string => join(ownDir, name);
const RUNS = 60;

function ok<T>(result: ParseResult<T>): T {
  if (!result.ok) throw new Error(`expected a parse, got ${result.error.code}: ${result.error.message} (line ${result.error.line})`);
  return result.value;
}

interface Insert {
  /** Index of the original line the new line goes before (the line count: after the last). */
  at: number;
  text: string;
}

interface Spliced {
  text: string;
  /** 1-based line in the spliced text of 1-based line `n` of the original. */
  moved: (n: number) => number;
  /** The inserted lines with their 1-based line numbers in the spliced text, in order. */
  inserted: UnparsedLine[];
}

/** Puts the inserts into the original lines and joins them again, with LF or CRLF line ends. */
function splice(original: readonly string[], inserts: readonly Insert[], crlf: boolean): Spliced {
  const sorted = inserts.map((insert, order) => ({ ...insert, order })).sort((a, b) => a.at - b.at || a.order - b.order);
  const lines: string[] = [];
  const newIndex: number[] = [];
  const inserted: UnparsedLine[] = [];
  let next = 0;
  for (let k = 0; k <= original.length; k++) {
    while (next < sorted.length && (sorted[next]?.at ?? 0) <= k) {
      const text = sorted[next]?.text ?? '';
      lines.push(text);
      inserted.push({ line: lines.length, text });
      next++;
    }
    if (k < original.length) {
      lines.push(original[k] ?? '');
      newIndex.push(lines.length);
    }
  }
  const eol = crlf ? '\r\n' : '\n';
  return { text: lines.join(eol) + eol, moved: (n) => newIndex[n - 1] ?? -1, inserted };
}

// Generators of lines no parser here knows. First characters are letters, digits or punctuation other than
// `|` and `+` (the frame of nvidia-smi's table): an indented line could be a capability's continuation in
// pciconf, which belongs to the capability above by design.
const START = fc.constantFrom(...'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789#$%&*/<>?!~[(.:_-'.split(''));
const REST = fc.string({ unit: fc.oneof(fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)), fc.constantFrom('中', '文', 'é', 'µ')), maxLength: 70 });
const printable = fc.tuple(START, REST).map(([first, rest]) => first + rest);
/** A line with NUL bytes in it (a message buffer after a crash, a file with a hole). */
const binary = fc.tuple(printable, fc.constantFrom('\u0000', '\u0000\u0000\u0001', '\u0007\u0000'), fc.constantFrom('', '    ', '\t')).map(([text, bad, indent]) => `${indent}${text.slice(0, 10)}${bad}${text.slice(10)}`);
const blank = fc.constantFrom('', '   ', '\t', ' \t ');

/** Inserts: up to `most` unknown lines (at most one binary), and blank lines, anywhere. */
function insertsOf(lineCount: number, unknown: fc.Arbitrary<string>, most = 8): fc.Arbitrary<{ reported: Insert[]; blanks: Insert[] }> {
  const at = fc.integer({ min: 0, max: lineCount });
  const line = (text: fc.Arbitrary<string>) => fc.record({ at, text });
  return fc.record({
    reported: fc.tuple(fc.array(line(unknown), { maxLength: most }), fc.option(line(binary), { nil: undefined })).map(([lines, bad]) => (bad ? [...lines, bad] : lines)),
    blanks: fc.array(line(blank), { maxLength: 3 }),
  });
}

/** The reported inserts among all inserted lines, in line order. */
const reportedLines = (spliced: Spliced, reported: (text: string) => boolean): UnparsedLine[] => spliced.inserted.filter((l) => reported(l.text));

const isBlankLine = (text: string): boolean => text.trim() === '';

describe('pciconf: every device is still found, every spliced line reported', () => {
  const NOT_PCICONF = 'nv-pascal-gl-README-md-93122ddc.txt';
  const files = [
    ...sharedFixtureFiles('pciconf').filter((f) => basename(f) !== NOT_PCICONF),
    ownFile('pciconf-x220-tesla-p4.txt'),
    ownFile('pciconf-x220-freebsd9-old-ecap.txt'),
  ];
  const ALMOST = fc.constantFrom(
    '    frobnicate = yes',
    '    vendor     = NVIDIA Corporation',
    '    class      =',
    '    bar   [zz] = type Memory, range 32, base 0xf3000000, size 16777216, enabled',
    '    bar   [10] = type Memory, range 32, base 0xf3000000, size lots, enabled',
    '    bar   [10] = type Flash, range 32, base 0xf3000000, size 4096, enabled',
    '    cap 1[60] = powerspec 3  supports D0 D3  current D0',
    'ecap 00zz[100] = VC 1 max VC0',
    'cap ff = broken',
    'pciconf: /dev/pci: Permission denied',
    '$ pciconf -lvbc',
    '[code]',
  );
  // A line like `name@…` is a device header, readable or not, and takes the lines below it (tested apart).
  const notHeaderLike = printable.filter((line) => !/^[A-Za-z_][A-Za-z0-9_.-]*@/.test(line));
  const reference = new Map<string, { lines: string[]; value: PciconfOutput }>();
  const referenceOf = (file: string) => {
    let entry = reference.get(file);
    if (entry === undefined) {
      const lines = splitLines(readFileSync(file, 'utf8'));
      entry = { lines, value: ok(parsePciconf(`${lines.join('\n')}\n`)) };
      reference.set(file, entry);
    }
    return entry;
  };

  it(`over ${files.length} real and own outputs`, () => {
    expect(files.length).toBeGreaterThanOrEqual(40);
    const cases = fc.constantFrom(...files).chain((file) =>
      fc.record({ file: fc.constant(file), inserts: insertsOf(referenceOf(file).lines.length, fc.oneof(notHeaderLike, ALMOST)), crlf: fc.boolean() }),
    );
    fc.assert(
      fc.property(cases, ({ file, inserts, crlf }) => {
        const { lines, value } = referenceOf(file);
        const spliced = splice(lines, [...inserts.reported, ...inserts.blanks], crlf);
        const output = ok(parsePciconf(spliced.text));
        expect(output.devices).toEqual(value.devices.map((d) => ({ ...d, line: spliced.moved(d.line) })));
        expect(output.unparsed).toEqual(reportedLines(spliced, (text) => !isBlankLine(text)));
      }),
      { numRuns: RUNS },
    );
  });
});

describe('dmesg: every attachment, NVRM line and allocation failure is still found; NUL lines reported', () => {
  const files = sharedFixtureFiles('dmesg');
  const ALMOST = fc.constantFrom(
    'vgapci0: <VGA-compatible display> port 0x3000-0x307f mem 0xf0000000-0xf03fffff irq 16 at device 0.0',
    'nvidia0: <NVIDIA Tesla P4> at vgapci1',
    ' NVRM: indented, not from the driver',
    'pcib2: failed to allocate initial memory window: garbage',
    'pci8: pci0:8:0:0 bar 0x1g failed to allocate',
    '---<<BOOT>>---',
  );
  const reference = new Map<string, { lines: string[]; value: DmesgOutput }>();
  const referenceOf = (file: string) => {
    let entry = reference.get(file);
    if (entry === undefined) {
      const lines = splitLines(readFileSync(file, 'utf8'));
      entry = { lines, value: ok(parseDmesg(`${lines.join('\n')}\n`)) };
      reference.set(file, entry);
    }
    return entry;
  };

  it(`over ${files.length} real outputs`, () => {
    expect(files.length).toBeGreaterThanOrEqual(25);
    const cases = fc.constantFrom(...files).chain((file) =>
      fc.record({ file: fc.constant(file), inserts: insertsOf(referenceOf(file).lines.length, fc.oneof(printable, ALMOST)), crlf: fc.boolean() }),
    );
    fc.assert(
      fc.property(cases, ({ file, inserts, crlf }) => {
        const { lines, value } = referenceOf(file);
        const spliced = splice(lines, [...inserts.reported, ...inserts.blanks], crlf);
        const output = ok(parseDmesg(spliced.text));
        const move = <T extends { line: number }>(items: readonly T[]): T[] => items.map((item) => ({ ...item, line: spliced.moved(item.line) }));
        expect(output).toEqual({
          lineCount: value.lineCount + spliced.inserted.length,
          attachments: move(value.attachments),
          nvrm: move(value.nvrm),
          allocationFailures: move(value.allocationFailures),
          // The message buffer is free-form: only lines with NUL bytes are set aside.
          unparsed: reportedLines(spliced, (text) => text.includes('\u0000')),
        });
      }),
      { numRuns: RUNS },
    );
  });
});

describe('llama.cpp logs: every reading is still found; binary lines reported', () => {
  const files = ['llama-log-p4-cli.txt', 'llama-log-p4-2024-partial.txt', 'llama-log-x220-cpu.txt', 'llama-log-server-timestamps.txt'].map(ownFile);
  const ALMOST = fc.constantFrom(
    'load_tensors: offloaded layers to GPU',
    'llama_perf_context_print:        load time =   fast ms',
    'system_info n_threads = 2',
    'ggml_cuda_init: found CUDA devices:',
    'Device 0: Tesla P4',
    'llama_perf_context_print:        eval time =  ms /  runs',
  );
  const moveLines = (log: LlamaLog, moved: (n: number) => number): LlamaLog['lines'] => {
    const at = (n: number | null) => (n === null ? null : moved(n));
    const l = log.lines;
    return {
      cudaInit: at(l.cudaInit),
      devices: l.devices.map(moved),
      noGpu: at(l.noGpu),
      systemInfo: at(l.systemInfo),
      offloaded: at(l.offloaded),
      loadTime: at(l.loadTime),
      promptEval: at(l.promptEval),
      eval: at(l.eval),
    };
  };

  it('over the own llama-cli and llama-server logs', () => {
    const cases = fc.constantFrom(...files).chain((file) => {
      const lines = splitLines(readFileSync(file, 'utf8'));
      return fc.record({ file: fc.constant(file), inserts: insertsOf(lines.length, fc.oneof(printable, ALMOST)), crlf: fc.boolean() });
    });
    fc.assert(
      fc.property(cases, ({ file, inserts, crlf }) => {
        const lines = splitLines(readFileSync(file, 'utf8'));
        const value = ok(parseLlamaLog(`${lines.join('\n')}\n`));
        const spliced = splice(lines, [...inserts.reported, ...inserts.blanks], crlf);
        const output = ok(parseLlamaLog(spliced.text));
        expect(output).toEqual({ ...value, lines: moveLines(value, spliced.moved), unparsed: reportedLines(spliced, (text) => text.includes('\u0000')) });
      }),
      { numRuns: RUNS },
    );
  });
});

describe('nvidia-smi, kldstat, kenv, pkg query: every GPU, process, module, variable and package is still found; spliced lines reported', () => {
  const cases: Array<{ name: string; files: string[]; parse: (text: string) => ParseResult<{ unparsed: UnparsedLine[] }>; almost: string[] }> = [
    {
      name: 'nvidia-smi',
      files: ['nvidia-smi-tesla-p4-470.txt', 'nvidia-smi-tesla-p4-550.txt', 'nvidia-smi-tesla-p4-580.txt', 'nvidia-smi-two-gpus-440.txt'].map(ownFile),
      parse: parseNvidiaSmi,
      almost: ['WARNING: infoROM is corrupted at gpu 0000:05:00.0', 'NVIDIA-SMI 550.127.05   Driver Version: 550.127.05', 'No running processes found', 'Processes:', '=========='],
    },
    {
      name: 'kldstat',
      files: [ownFile('kldstat-x220-nvidia.txt')],
      parse: parseKldstat,
      almost: [' 9    1 0xffffffff82140000   zz nvidia.ko', "kldstat: can't find file foo.ko", 'Id Refs Address Size', '% kldstat', ' 10    1 0xffffffff82140000'],
    },
    {
      name: 'kenv',
      files: [ownFile('kenv-x220.txt')],
      parse: parseKenv,
      almost: ['smbios.system.maker=LENOVO', 'smbios.bios.version="8DET76WW', '__proto__="x"', 'kenv: unable to get kernel environment', '="empty name"'],
    },
    {
      name: 'pkg query',
      files: [ownFile('pkg-query-x220.txt')],
      parse: parsePkgQuery,
      almost: ['nvidia-driver 550.127.05', 'pkg: warning: database version 36 is newer than libpkg(3) version 35', 'sudo\t', 'sudo\t1.9 16'],
    },
  ];

  for (const { name, files, parse, almost } of cases) {
    it(name, () => {
      const arbitrary = fc.constantFrom(...files).chain((file) => {
        const lines = splitLines(readFileSync(file, 'utf8'));
        return fc.record({ file: fc.constant(file), inserts: insertsOf(lines.length, fc.oneof(printable, fc.constantFrom(...almost))), crlf: fc.boolean() });
      });
      fc.assert(
        fc.property(arbitrary, ({ file, inserts, crlf }) => {
          const lines = splitLines(readFileSync(file, 'utf8'));
          const value = ok(parse(`${lines.join('\n')}\n`));
          const spliced = splice(lines, [...inserts.reported, ...inserts.blanks], crlf);
          const output = ok(parse(spliced.text));
          expect(output).toEqual({ ...value, unparsed: reportedLines(spliced, (text) => !isBlankLine(text)) });
        }),
        { numRuns: RUNS },
      );
    });
  }
});

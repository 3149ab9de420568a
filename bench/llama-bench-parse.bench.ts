// llama-bench and llama.cpp log parsing on large outputs (thousands of results); prints numbers, asserts nothing.
// Run: npx tsx bench/llama-bench-parse.bench.ts
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseLlamaBench } from '../src/bench/llama-bench';
import { parseLlamaLog } from '../src/bench/llama-log';

const outputs = resolve(import.meta.dirname, '..', 'test', 'fixtures', 'outputs');
const own = (name: string): string => readFileSync(join(outputs, name), 'utf8');

function time(label: string, rounds: number, work: () => boolean): void {
  if (!work()) throw new Error(`${label}: did not parse`);
  const start = performance.now();
  for (let i = 0; i < rounds; i++) work();
  console.log(`${label.padEnd(52)} ${((performance.now() - start) / rounds).toFixed(2).padStart(9)} ms per round`);
}

const REPEAT = 2500; // 5000 results, as a sweep over -ngl, -b and -fa produces
const md = own('llama-bench-p4-cuda.md.txt').split('\n');
const table = [...md.slice(0, 6), ...Array.from({ length: REPEAT }, () => md.slice(6, 8)).flat(), ...md.slice(8)].join('\n');
const json = own('llama-bench-p4-cuda.json.txt');
const body = json.slice(json.indexOf('{'), json.lastIndexOf('}') + 1);
const bigJson = `[\n  ${Array.from({ length: REPEAT }, () => body).join(',\n  ')}\n]\n`;
const jsonl = own('llama-bench-p4-cuda.jsonl.txt').repeat(REPEAT);
const csvLines = own('llama-bench-p4-cuda.csv.txt').trimEnd().split('\n');
const csv = [csvLines[0], ...Array.from({ length: REPEAT }, () => csvLines.slice(1)).flat()].join('\n');
const log = own('llama-log-server-timestamps.txt').repeat(REPEAT);

const kib = (text: string) => `${(text.length / 1024).toFixed(0)} KiB`;
time(`md table, ${REPEAT * 2} rows (${kib(table)})`, 10, () => parseLlamaBench(table).ok);
time(`json, ${REPEAT * 2} results (${kib(bigJson)})`, 10, () => parseLlamaBench(bigJson).ok);
time(`jsonl, ${REPEAT * 2} results (${kib(jsonl)})`, 10, () => parseLlamaBench(jsonl).ok);
time(`csv, ${REPEAT * 2} results (${kib(csv)})`, 10, () => parseLlamaBench(csv).ok);
time(`llama-server log, ${REPEAT} copies (${kib(log)})`, 10, () => parseLlamaLog(log).ok);

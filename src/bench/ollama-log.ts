import { z } from 'zod';
import { parseFailure, validated, type ParseResult } from '../commands/parse-result';
import { guarded, precheck, splitLines } from '../commands/parsers/text';

/**
 * What `ollama serve` logs (Go's slog text format, one `key=value` record per line, values with spaces
 * quoted), as far as the GPU is concerned:
 *
 *   time=… level=INFO source=routes.go:1933 msg="server config" env="map[…]"          a server start
 *   time=… level=INFO source=routes.go:1986 msg="Listening on 127.0.0.1:11434 (version 0.30.10)"
 *   time=… level=INFO source=types.go:32 msg="inference compute" id=GPU-… library=CUDA compute=6.1
 *          name=CUDA0 description="Tesla P4" libdirs=ollama,cuda_v12 driver=13.0 …        (since late 2025)
 *   time=… level=INFO source=types.go:130 msg="inference compute" id=GPU-… library=cuda variant=v12
 *          compute=6.1 driver=12.4 name="Tesla P4" …                                     (2024–2025)
 *   time=… level=INFO source=types.go:60 msg="inference compute" id=cpu library=cpu compute="" …
 *   time=… level=INFO source=llama_server.go:299 msg="skipping CUDA device — compute capability not in
 *          compiled architectures" device="Tesla P4" cc=610 archs="[750 800 …]" libDirs="[… cuda_v13]"
 *   load_tensors: offloaded 33/33 layers to GPU                                         (the runner's own lines)
 *
 * Older releases start their config line with Go's log prefix (`2025/01/28 17:08:57 routes.go:1187: INFO
 * server config …`). The log grows across restarts, so only the last start counts for what the server uses
 * now; the lines keep their place in the whole file (1-based). Any other line is simply not a finding: a log
 * is never refused for a line it does not know.
 */

const line = z.number().int().positive();

export const OllamaCompute = z
  .object({
    line,
    /** `CUDA`, `cuda`, `Vulkan`, `cpu`, `ROCm`… as printed. */
    library: z.string(),
    /** "6.1"; empty for the CPU. */
    compute: z.string(),
    /** The card as ollama names it: `description` (newer) or `name` when that is not just `CUDA0`. */
    device: z.string(),
    /** The runner folders: libdirs=ollama,cuda_v12 (newer) or variant=v12 (older), as printed. */
    libdirs: z.string().nullable(),
  })
  .strict();
export type OllamaCompute = z.infer<typeof OllamaCompute>;

export const OllamaSkip = z
  .object({
    line,
    device: z.string(),
    /** "610": compute capability 6.1. */
    cc: z.string(),
    archs: z.array(z.string()),
    libDirs: z.array(z.string()),
  })
  .strict();
export type OllamaSkip = z.infer<typeof OllamaSkip>;

export const OllamaLog = z
  .object({
    /** How many server starts the log holds. */
    starts: z.number().int().nonnegative(),
    /** 1-based line of the last start (its config line), or null when the log begins mid-run. */
    lastStart: line.nullable(),
    /** ollama's version, from the last start's "Listening on … (version X)". */
    version: z.string().nullable(),
    listen: z.string().nullable(),
    /** Everything below is from the last start on. */
    compute: z.array(OllamaCompute),
    skipped: z.array(OllamaSkip),
    offloaded: z.object({ layers: z.number().int().nonnegative(), total: z.number().int().nonnegative(), line }).strict().nullable(),
  })
  .strict();
export type OllamaLog = z.infer<typeof OllamaLog>;

/** The `key=value` pairs of one slog text record; quoted values unescaped. */
export function logfmt(text: string): Record<string, string> {
  const fields: Record<string, string> = {};
  const pattern = /([A-Za-z_][\w.]*)=("(?:[^"\\]|\\.)*"|\S*)/g;
  for (const match of text.matchAll(pattern)) {
    const [, key = '', raw = ''] = match;
    fields[key] = raw.startsWith('"') ? raw.slice(1, -1).replace(/\\(.)/g, '$1') : raw;
  }
  return fields;
}

const START = /(?:msg="server config"|\bINFO server config\b)/;
const LISTENING = /Listening on (\S+) \(version ([^)]+)\)/;
const OFFLOADED = /\boffloaded (\d+)\/(\d+) layers to GPU/;
/** Anything ollama's server writes: slog records, Go log lines, GIN's request log, the runner's llama.cpp lines. */
const OLLAMA_LIKE = /\blevel=(?:INFO|WARN|ERROR|DEBUG|TRACE)\b|\bmsg=|^\[GIN\]|\d{4}\/\d{2}\/\d{2} \d{2}:\d{2}:\d{2} \S+\.go:\d+:/;

const listOf = (value: string | undefined): string[] => (value ?? '').replace(/^\[|\]$/g, '').split(/\s+/).filter((v) => v !== '');

function deviceOf(fields: Record<string, string>): string {
  const description = fields.description;
  if (description !== undefined && description !== '') return description;
  return fields.name ?? '';
}

function parse(text: string): ParseResult<OllamaLog> {
  const refused = precheck(text, 'ollama serve log');
  if (refused) return refused;
  const lines = splitLines(text);
  if (!lines.some((l) => OLLAMA_LIKE.test(l))) {
    return parseFailure('unexpected-output', 'no line of this looks like ollama serve’s log (level=… msg=… records)');
  }
  const starts = lines.flatMap((l, i) => (START.test(l) ? [i] : []));
  const from = starts[starts.length - 1] ?? 0;
  const log: OllamaLog = { starts: starts.length, lastStart: starts.length > 0 ? from + 1 : null, version: null, listen: null, compute: [], skipped: [], offloaded: null };
  for (let i = from; i < lines.length; i++) {
    const text = lines[i] ?? '';
    const n = i + 1;
    const listening = LISTENING.exec(text);
    if (listening) {
      log.listen = listening[1] ?? null;
      log.version = listening[2] ?? null;
      continue;
    }
    const offloaded = OFFLOADED.exec(text);
    if (offloaded) {
      log.offloaded = { layers: Number(offloaded[1]), total: Number(offloaded[2]), line: n };
      continue;
    }
    if (!text.includes('msg=')) continue;
    const fields = logfmt(text);
    if (fields.msg === 'inference compute') {
      const variant = fields.variant !== undefined && fields.variant !== '' ? `variant=${fields.variant}` : null;
      log.compute.push({ line: n, library: fields.library ?? '', compute: fields.compute ?? '', device: deviceOf(fields), libdirs: fields.libdirs ?? variant });
    } else if (fields.msg?.startsWith('skipping CUDA device') === true) {
      log.skipped.push({ line: n, device: fields.device ?? '', cc: fields.cc ?? '', archs: listOf(fields.archs), libDirs: listOf(fields.libDirs) });
    }
  }
  return validated(OllamaLog, log);
}

export const parseOllamaLog = guarded('ollama serve log', parse);

/** "610" → "6.1", as ollama prints compute capabilities elsewhere. */
export const ccText = (cc: string): string => (/^\d{2,4}$/.test(cc) ? `${cc.slice(0, -2) || '0'}.${cc.slice(-2, -1)}` : cc);

const isCuda = (c: OllamaCompute): boolean => /^cuda$/i.test(c.library);
const isCpu = (c: OllamaCompute): boolean => /^cpu$/i.test(c.library);

/** The GPU libraries that took a card (CUDA, Vulkan, ROCm…), from the last start. */
export const gpuCompute = (log: OllamaLog): OllamaCompute[] => log.compute.filter((c) => !isCpu(c));
export const cudaCompute = (log: OllamaLog): OllamaCompute[] => log.compute.filter(isCuda);
/** The last start found only the processor. */
export const cpuOnly = (log: OllamaLog): boolean => log.compute.length > 0 && log.compute.every(isCpu);
/** Another GPU library (Vulkan) took the card CUDA skipped. */
export const tookBy = (log: OllamaLog, device: string): OllamaCompute | undefined => gpuCompute(log).find((c) => c.device === device);

import { z } from 'zod';
import { parseFailure, validated, type ParseResult } from '../parse-result';
import type { CommandProgress } from '../types';
import { guarded, precheck, quote, splitLines } from './text';

/** Outputs of the tools the Linux jail step reads: jls, mount -p, ls, find, nvcc and deviceQuery. */

const nonBlank = (text: string): string[] => splitLines(text).filter((line) => line.trim() !== '');

/** `jls name path`: one running jail per line, its name and its root. */
export const JlsOutput = z.object({ jails: z.array(z.object({ name: z.string().min(1), path: z.string().startsWith('/') }).strict()) }).strict();
export type JlsOutput = z.infer<typeof JlsOutput>;

export const parseJls = guarded('jls', (text: string): ParseResult<JlsOutput> => {
  if (text.trim() === '') return validated(JlsOutput, { jails: [] });
  const rejected = precheck(text, 'jls');
  if (rejected) return rejected;
  const jails = [];
  for (const [i, line] of nonBlank(text).entries()) {
    const match = /^(\S+)\s+(\/\S*)$/.exec(line.trim());
    if (!match) return parseFailure('malformed', `expected "name path", got ${quote(line)}`, i + 1);
    jails.push({ name: match[1] ?? '', path: match[2] ?? '' });
  }
  return validated(JlsOutput, { jails });
});

/** `mount -p`: the mounted file systems in fstab(5) format. */
export const MountEntry = z.object({ device: z.string(), mountPoint: z.string().startsWith('/'), type: z.string().min(1), options: z.array(z.string()) }).strict();
export const MountOutput = z.object({ mounts: z.array(MountEntry) }).strict();
export type MountOutput = z.infer<typeof MountOutput>;

export const parseMountP = guarded('mount -p', (text: string): ParseResult<MountOutput> => {
  const rejected = precheck(text, 'mount -p');
  if (rejected) return rejected;
  const mounts = [];
  for (const [i, line] of nonBlank(text).entries()) {
    const [device, mountPoint, type, options] = line.trim().split(/\s+/);
    if (device === undefined || mountPoint === undefined || type === undefined || options === undefined || !mountPoint.startsWith('/')) {
      return parseFailure('malformed', `not an fstab line: ${quote(line)}`, i + 1);
    }
    mounts.push({ device, mountPoint, type, options: options.split(',') });
  }
  return validated(MountOutput, { mounts });
});

/** `ls -1A DIR`: the names in a directory; `entries` is null where the directory does not exist. */
export const ListingOutput = z.object({ entries: z.array(z.string().min(1)).nullable() }).strict();
export type ListingOutput = z.infer<typeof ListingOutput>;

export const parseListing = (text: string): ParseResult<ListingOutput> => validated(ListingOutput, { entries: nonBlank(text).map((l) => l.trim()) });

/** `find DIR -maxdepth 1 -name 'libcuda.so.*'`: the NVIDIA releases whose libcuda is installed there. */
export const LibcudaOutput = z.object({ versions: z.array(z.string().regex(/^\d+\.\d+(?:\.\d+)?$/)) }).strict();
export type LibcudaOutput = z.infer<typeof LibcudaOutput>;

export const parseLibcuda = (text: string): ParseResult<LibcudaOutput> => {
  const versions = nonBlank(text)
    .map((line) => /\/libcuda\.so\.(\d+\.\d+(?:\.\d+)?)$/.exec(line.trim())?.[1])
    .filter((v): v is string => v !== undefined);
  return validated(LibcudaOutput, { versions: [...new Set(versions)] });
};

/** `nvcc --version`: `Cuda compilation tools, release 12.4, V12.4.131`. */
export const NvccOutput = z.object({ release: z.string().regex(/^\d+\.\d+$/), major: z.number().int().positive(), line: z.number().int().positive() }).strict();
export type NvccOutput = z.infer<typeof NvccOutput>;

export const parseNvcc = guarded('nvcc --version', (text: string): ParseResult<NvccOutput> => {
  const lines = splitLines(text);
  const index = lines.findIndex((l) => /Cuda compilation tools, release \d+\.\d+/.test(l));
  const release = /release (\d+)\.(\d+)/.exec(lines[index] ?? '');
  if (index < 0 || !release) return parseFailure('unexpected-output', 'no "Cuda compilation tools, release N.M" line');
  return validated(NvccOutput, { release: `${release[1]}.${release[2]}`, major: Number(release[1]), line: index + 1 });
});

/**
 * CUDA's deviceQuery sample: `Detected N CUDA Capable device(s)`, then per device its name, compute
 * capability and memory; or `cudaGetDeviceCount returned N` and the CUDA error when it finds none.
 */
export const DeviceQueryOutput = z
  .object({
    result: z.enum(['PASS', 'FAIL']).nullable(),
    error: z.object({ code: z.number().int(), text: z.string(), line: z.number().int().positive() }).strict().nullable(),
    runtimeVersion: z.string().nullable(),
    devices: z.array(
      z
        .object({
          index: z.number().int().nonnegative(),
          name: z.string().min(1),
          computeCapability: z.string().regex(/^\d+\.\d+$/).nullable(),
          memoryMiB: z.number().int().nonnegative().nullable(),
          line: z.number().int().positive(),
        })
        .strict(),
    ),
  })
  .strict();
export type DeviceQueryOutput = z.infer<typeof DeviceQueryOutput>;

export const parseDeviceQuery = guarded('deviceQuery', (text: string): ParseResult<DeviceQueryOutput> => {
  const rejected = precheck(text, 'deviceQuery');
  if (rejected) return rejected;
  const lines = splitLines(text);
  const devices: DeviceQueryOutput['devices'] = [];
  let error: DeviceQueryOutput['error'] = null;
  let result: DeviceQueryOutput['result'] = null;
  let runtimeVersion: string | null = null;
  lines.forEach((raw, i) => {
    const line = raw.trim();
    const device = /^Device (\d+): "(.+)"$/.exec(line);
    if (device) devices.push({ index: Number(device[1]), name: device[2] ?? '', computeCapability: null, memoryMiB: null, line: i + 1 });
    const current = devices[devices.length - 1];
    const capability = /^CUDA Capability Major\/Minor version number:\s+(\d+\.\d+)$/.exec(line);
    if (capability && current) current.computeCapability = capability[1] ?? null;
    const memory = /^Total amount of global memory:\s+(\d+) MBytes/.exec(line);
    if (memory && current) current.memoryMiB = Number(memory[1]);
    const versions = /^CUDA Driver Version \/ Runtime Version\s+\S+ \/ (\d+\.\d+)$/.exec(line);
    if (versions) runtimeVersion = versions[1] ?? null;
    const failed = /^cudaGetDeviceCount returned (\d+)$/.exec(line);
    if (failed) error = { code: Number(failed[1]), text: (lines[i + 1] ?? '').replace(/^->\s*/, '').trim(), line: i + 1 };
    const outcome = /^Result = (PASS|FAIL)$/.exec(line);
    if (outcome) result = outcome[1] === 'PASS' ? 'PASS' : 'FAIL';
  });
  if (result === null && devices.length === 0 && error === null) return parseFailure('unexpected-output', 'not deviceQuery output');
  return validated(DeviceQueryOutput, { result, error, runtimeVersion, devices });
});

/** os-release(5): `ID=ubuntu`, `VERSION_CODENAME=jammy`, … (quotes removed). */
export const OsReleaseOutput = z.object({ values: z.record(z.string(), z.string()) }).strict();
export type OsReleaseOutput = z.infer<typeof OsReleaseOutput>;

export const parseOsRelease = (text: string): ParseResult<OsReleaseOutput> => {
  const values: Record<string, string> = {};
  for (const line of nonBlank(text)) {
    const match = /^([A-Z0-9_]+)=(?:"([^"]*)"|'([^']*)'|(\S*))$/.exec(line.trim());
    if (match?.[1] !== undefined) values[match[1]] = match[2] ?? match[3] ?? match[4] ?? '';
  }
  return validated(OsReleaseOutput, { values });
};

/**
 * debootstrap's `I: …` lines, in its four phases: it retrieves every package, extracts the essential ones,
 * unpacks and configures the rest. debootstrap never says how many packages there are, so the bar moves by
 * phase, with the package it is on as the label.
 */
const PHASES = ['Retrieving', 'Extracting', 'Unpacking', 'Configuring'] as const;

export function debootstrapProgress(line: string): CommandProgress | null {
  const match = /^I: (Retrieving|Validating|Extracting|Unpacking|Configuring) (.+?)(?:\.\.\.)?$/.exec(line.trim());
  if (match) {
    const verb = match[1] === 'Validating' ? 'Retrieving' : (match[1] as (typeof PHASES)[number]);
    return { done: PHASES.indexOf(verb) + 1, total: PHASES.length + 1, label: `${match[1]} ${match[2]}` };
  }
  if (/^I: Base system installed successfully\.?$/.test(line.trim())) return { done: PHASES.length + 1, total: PHASES.length + 1, label: 'Base system installed successfully' };
  return null;
}

/**
 * `cmake --build` prints `[ 42%] Building CUDA object …` as it goes: the percentage is its own progress.
 */
export function cmakeProgress(line: string): CommandProgress | null {
  const match = /^\[\s*(\d{1,3})%\]\s+(.+)$/.exec(line.trim());
  if (!match) return null;
  const done = Number(match[1]);
  return done > 100 ? null : { done, total: 100, label: (match[2] ?? '').slice(0, 80) };
}

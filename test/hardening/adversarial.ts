import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { Backend } from '../../src/app/backend';
import { channelNames, ContractErrorCode, Envelope, isChannelName, type ChannelName, type EventName, type EventOf, type RequestOf } from '../../src/contract/channels';
import { createHost } from '../../src/host/create-host';
import { loadScenario, scenarioNames } from '../../src/host/simulated/scenarios';
import { SimulatedHost } from '../../src/host/simulated/simulated-host';
import type { ExecRequest, ExecResult, Host } from '../../src/host/types';

/** Wraps a simulated host and counts every command that reaches it. */
export class CountingHost implements Host {
  execs = 0;
  constructor(private readonly inner: Host) {}
  get spec(): string {
    return this.inner.spec;
  }
  get simulated(): boolean {
    return this.inner.simulated;
  }
  exec(request: ExecRequest): Promise<ExecResult> {
    this.execs += 1;
    return this.inner.exec(request);
  }
}

/** A real Backend over simulated X220s (never this machine, whatever spec is asked for), counting commands. */
export async function countingBackend(emit?: <E extends EventName>(event: E, payload: EventOf<E>) => void) {
  const hosts: CountingHost[] = [];
  const backend = await Backend.create({
    dataDir: await mkdtemp(join(tmpdir(), 'egpu-fuzz-')),
    hostSpec: 'sim:x220-fresh',
    mode: 'browser',
    version: '0.0.0',
    ...(emit ? { emit } : {}),
    hostFactory: (spec) => {
      // Instant commands: an accepted payload may run a whole diagnosis, thousands of times over.
      const asked = spec.startsWith('sim:') ? spec.slice(4) : 'x220-fresh';
      if (!scenarioNames.includes(asked)) createHost(spec); // refuses, with the message the app gives
      const name = scenarioNames.includes(asked) ? asked : 'x220-fresh';
      const host = new CountingHost(new SimulatedHost(loadScenario(name), { timeScale: 0 }));
      hosts.push(host);
      return host;
    },
  });
  // The look at the host that opening starts in the background is not a fuzzed request's doing.
  await backend.hostChecked;
  return { backend, execs: () => hosts.reduce((n, h) => n + h.execs, 0) };
}

/** One valid request per channel; the typed map makes a new channel without an entry fail to compile. */
export const validRequests: { [C in ChannelName]: RequestOf<C> } = {
  'app:info': {},
  'wizard:state': {},
  'host:select': { spec: 'sim:x220-fresh' },
  'ssh:probe': { spec: 'ssh://demo@x220.invalid' },
  'ssh:trust': { spec: 'ssh://demo@x220.invalid', fingerprint: `SHA256:${'A'.repeat(43)}`, confirmed: true },
  'wizard:runChecks': { stepId: 'preflight' },
  'wizard:setChecklistItem': { stepId: 'adapter-card', itemId: 'spacer', done: true },
  'wizard:setInput': { stepId: 'verify', inputId: 'model-size', value: 6 },
  'wizard:goTo': { stepId: 'preflight' },
  'wizard:next': { stepId: 'preflight', continueAnyway: false },
  'wizard:showSummary': {},
  'wizard:summary': {},
  'wizard:runAction': { stepId: 'boot-config', actionId: 'apply', confirmed: true },
  'wizard:cancel': {},
  'auth:providePassword': { password: 'demo' },
  'auth:forgetPassword': {},
  'changes:list': {},
  'changes:undo': { confirmed: true },
  'changes:guest': { action: 'stop', confirmed: true },
  'changes:restart': { confirmed: true },
  'troubleshoot:run': {},
  'troubleshoot:applyFix': { findingKey: 'pci-bar-alloc-failed-1', fixId: 'realloc-bars', confirmed: true },
  'troubleshoot:restart': { confirmed: true },
  'report:build': {},
  'log:recent': { limit: 10 },
  'settings:get': {},
  'settings:setLocale': { locale: 'zh-CN' },
};

export const pollutionKeys = ['__proto__', 'constructor', 'prototype', 'toString', 'valueOf', 'hasOwnProperty', '__defineGetter__'];

/** Sets a key as an own, enumerable property, as JSON.parse and structured clone produce it, even for `__proto__`. */
function withOwnKey(base: Record<string, unknown>, key: string, value: unknown): Record<string, unknown> {
  const copy: Record<string, unknown> = { ...base };
  Object.defineProperty(copy, key, { value, enumerable: true, writable: true, configurable: true });
  return copy;
}

const typeName = (value: unknown): string => (value === null ? 'null' : Array.isArray(value) ? 'array' : typeof value);

// Every request is a strict object whose strings are at most 1024 characters, so each of these is invalid
// by construction, independently of what zod says.
const nonObject = fc.oneof(
  fc.constantFrom(null, undefined, true, 0, -1, Number.NaN, '', '{}', 'null'),
  fc.double(),
  fc.string(),
  fc.array(fc.anything(), { maxLength: 5 }),
);
const hugeString = fc.integer({ min: 2_000, max: 300_000 }).map((n) => 'A'.repeat(n));

const anyValue = fc.anything({ maxDepth: 2, withNullPrototype: true, withObjectString: true, withBoxedValues: true });

/**
 * Payloads for `channel` that the contract must refuse: near misses of a valid request and garbage.
 * `values` fills extra keys and wrong types; over HTTP it must survive JSON (no undefined, no NaN).
 */
export function invalidPayload(channel: ChannelName, values: fc.Arbitrary<unknown> = anyValue): fc.Arbitrary<unknown> {
  const template = validRequests[channel] as Record<string, unknown>;
  const keys = Object.keys(template);
  const extraKey = fc
    .tuple(fc.oneof(fc.constantFrom(...pollutionKeys), fc.string({ maxLength: 30 })), values)
    .filter(([key]) => !keys.includes(key))
    .map(([key, value]) => withOwnKey(template, key, value));
  if (keys.length === 0) return fc.oneof(nonObject, extraKey);
  const key = fc.constantFrom(...keys);
  const missingKey = key.map((k) => Object.fromEntries(Object.entries(template).filter(([name]) => name !== k)));
  const wrongType = fc
    .tuple(key, values)
    .filter(([k, value]) => typeName(value) !== typeName(template[k]))
    .map(([k, value]) => ({ ...template, [k]: value }));
  const stringKeys = keys.filter((k) => typeof template[k] === 'string');
  const huge = stringKeys.length
    ? fc.tuple(fc.constantFrom(...stringKeys), hugeString).map(([k, value]) => ({ ...template, [k]: value }))
    : wrongType;
  return fc.oneof(nonObject, extraKey, missingKey, wrongType, huge);
}

const hostileStrings = [
  '; rm -rf /',
  '$(reboot)',
  '`id`',
  '../../../../etc/master.passwd',
  'preflight\n',
  'preflight\0',
  ' preflight',
  'PREFLIGHT',
  'sim:x220-fresh; id',
  'ssh://root@127.0.0.1',
  '\u202eevil',
  '%00',
  '{"$gt":""}',
];

/** Anything at all, with hostile strings spliced into otherwise valid requests; some of these are valid. */
export function randomPayload(channel: ChannelName): fc.Arbitrary<unknown> {
  const template = validRequests[channel] as Record<string, unknown>;
  const keys = Object.keys(template);
  const spliced = keys.length
    ? fc
        .tuple(fc.constantFrom(...keys), fc.oneof(fc.constantFrom(...hostileStrings), fc.string({ unit: 'binary' })))
        .map(([k, value]) => ({ ...template, [k]: value }))
    : fc.constant(template);
  return fc.oneof(
    fc.anything({ maxDepth: 3, withNullPrototype: true, withObjectString: true, withDate: true, withMap: true, withSet: true, withTypedArray: true, withSparseArray: true, withBigInt: true }),
    fc.dictionary(fc.oneof(fc.constantFrom(...pollutionKeys, ...keys), fc.string()), fc.anything({ maxDepth: 2 })),
    spliced,
  );
}

/** Channel names the contract does not have, including names that exist on every object's prototype. */
export const unknownChannel: fc.Arbitrary<unknown> = fc
  .oneof(
    fc.constantFrom(...pollutionKeys, 'egpu:invoke', 'shell:exec', 'wizard:state ', 'WIZARD:STATE', 'wizard:state\0', 'app:info/..', ''),
    fc.string({ unit: 'binary' }),
    fc.anything({ maxDepth: 2, withNullPrototype: true, withObjectString: true, withBigInt: true }),
    fc.constantFrom(...channelNames).map((name) => `${name}\n`),
  )
  .filter((name) => !isChannelName(name));

/** A reply is typed: it satisfies the envelope schema and, when refused, carries a known error code. */
export function typedReply(reply: unknown): { ok: false; code: ContractErrorCode } | { ok: true } {
  const checked = Envelope.safeParse(reply);
  if (!checked.success) throw new Error(`reply is not an envelope: ${JSON.stringify(reply)?.slice(0, 200)}`);
  return checked.data.ok ? { ok: true } : { ok: false, code: checked.data.error.code };
}

/** Own keys on Object.prototype that were not there when the test started: prototype pollution. */
export function prototypeKeys(): string[] {
  return Object.getOwnPropertyNames(Object.prototype).sort();
}

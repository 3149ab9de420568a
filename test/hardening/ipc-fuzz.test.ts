import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Backend } from '../../src/app/backend';
import { createInvokeHandler, type InvokeHandler, type IpcSender, type TrustedPage } from '../../src/app/ipc-gate';
import { channelNames, channels, type ChannelName } from '../../src/contract/channels';
import { countingBackend, invalidPayload, prototypeKeys, randomPayload, typedReply, unknownChannel, validRequests } from './adversarial';

// The main side of Electron's IPC without Electron: the real gate and a real Backend over a simulated X220.
const PAGE_URL = 'file:///opt/egpu-wizard/resources/app.asar/out/renderer/index.html';
const contents = { id: 'our webContents' };
const mainFrame = { id: 'our main frame' };
const page = (): TrustedPage => ({ contents, mainFrame, pageUrl: PAGE_URL });
const ourPage: IpcSender = { contents, frame: mainFrame, frameUrl: () => `${PAGE_URL}?lang=en#step` };

let backend: Backend;
let execs: () => number;
let dispatched = 0;
let handle: InvokeHandler;
const prototypeBefore = prototypeKeys();

beforeAll(async () => {
  ({ backend, execs } = await countingBackend());
  handle = createInvokeHandler((channel, payload) => {
    dispatched += 1;
    return backend.dispatch(channel, payload);
  }, page);
});

/** Electron copies invoke arguments with the structured clone algorithm; what cannot be cloned never arrives. */
function overIpc(value: unknown): { ok: true; value: unknown } | { ok: false } {
  try {
    return { ok: true, value: structuredClone(value) };
  } catch {
    return { ok: false };
  }
}

const RUNS = 2_000;

describe('IPC fuzz: main-side handler', () => {
  it('has a valid template for every channel, so near misses are near', () => {
    for (const channel of channelNames) expect(channels[channel].request.safeParse(validRequests[channel]).success, channel).toBe(true);
  });

  it.each(channelNames)('%s: invalid payloads get invalid-payload and run nothing', async (channel: ChannelName) => {
    const before = execs();
    await fc.assert(
      fc.asyncProperty(invalidPayload(channel), fc.boolean(), async (payload, cloned) => {
        const sent = cloned ? overIpc(payload) : { ok: true as const, value: payload };
        if (!sent.ok) return;
        const reply = typedReply(await handle(ourPage, channel, sent.value));
        expect(reply).toEqual({ ok: false, code: 'invalid-payload' });
      }),
      { numRuns: RUNS },
    );
    expect(execs()).toBe(before);
    expect(prototypeKeys()).toEqual(prototypeBefore);
  });

  it.each(channelNames)('%s: random and hostile payloads never throw; what the contract refuses runs nothing', async (channel: ChannelName) => {
    let refused = 0;
    await fc.assert(
      fc.asyncProperty(randomPayload(channel), async (payload) => {
        const sent = overIpc(payload);
        if (!sent.ok) return;
        const accepted = channels[channel].request.safeParse(sent.value).success;
        const before = execs();
        const reply = typedReply(await handle(ourPage, channel, sent.value));
        if (!accepted) {
          refused += 1;
          expect(reply).toEqual({ ok: false, code: 'invalid-payload' });
          expect(execs()).toBe(before);
        }
      }),
      { numRuns: RUNS / 2 },
    );
    // The property must not hold vacuously: a good share of random payloads are refused. (About half are for
    // channels taking an empty object, where random objects are often empty; the bound leaves room for that.)
    expect(refused).toBeGreaterThan(RUNS / 8);
    expect(prototypeKeys()).toEqual(prototypeBefore);
  });

  it('unknown channels, including prototype names and non-strings, get unknown-channel and run nothing', async () => {
    const before = execs();
    await fc.assert(
      fc.asyncProperty(unknownChannel, fc.anything({ maxDepth: 2 }), async (channel, payload) => {
        const reply = typedReply(await handle(ourPage, channel, payload));
        expect(reply).toEqual({ ok: false, code: 'unknown-channel' });
      }),
      { numRuns: RUNS * 2 },
    );
    expect(execs()).toBe(before);
  });

  const wrongSender = fc.constantFrom<[string, IpcSender]>(
    ['another webContents', { contents: { id: 'other' }, frame: mainFrame, frameUrl: () => PAGE_URL }],
    ['a subframe', { contents, frame: { id: 'iframe' }, frameUrl: () => PAGE_URL }],
    ['no frame', { contents, frame: null, frameUrl: () => PAGE_URL }],
    ['a page navigated elsewhere', { contents, frame: mainFrame, frameUrl: () => 'https://evil.example/index.html' }],
    ['a sibling file', { contents, frame: mainFrame, frameUrl: () => `${PAGE_URL}.evil.html` }],
    ['a data: URL', { contents, frame: mainFrame, frameUrl: () => 'data:text/html,<script>1</script>' }],
    [
      'a disposed frame',
      {
        contents,
        frame: mainFrame,
        frameUrl: () => {
          throw new Error('Render frame was disposed before WebFrameMain could be accessed');
        },
      },
    ],
  );

  it('a wrong sender gets forbidden-sender for valid and invalid requests alike, and nothing is dispatched', async () => {
    const before = { execs: execs(), dispatched };
    const anyChannel = fc.oneof(fc.constantFrom(...channelNames), unknownChannel);
    await fc.assert(
      fc.asyncProperty(wrongSender, anyChannel, fc.boolean(), fc.anything({ maxDepth: 2 }), async ([, sender], channel, useValid, junk) => {
        const payload = useValid && typeof channel === 'string' && channel in validRequests ? validRequests[channel as ChannelName] : junk;
        const reply = typedReply(await handle(sender, channel, payload));
        expect(reply).toEqual({ ok: false, code: 'forbidden-sender' });
      }),
      { numRuns: RUNS * 2 },
    );
    expect({ execs: execs(), dispatched }).toEqual(before);
  });

  it('a closed window refuses instead of throwing', async () => {
    const closed = createInvokeHandler(
      (channel, payload) => backend.dispatch(channel, payload),
      () => {
        throw new TypeError('Object has been destroyed');
      },
    );
    expect(typedReply(await closed(ourPage, 'wizard:state', {}))).toEqual({ ok: false, code: 'forbidden-sender' });
  });

  it('our own page is served: the gate is not refusing everything', async () => {
    expect(typedReply(await handle(ourPage, 'wizard:state', {}))).toEqual({ ok: true });
  });
});

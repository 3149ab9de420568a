import { createHash } from 'node:crypto';
import { promisify } from 'node:util';
import { brotliCompress, constants, gzip } from 'node:zlib';
import { weightedEntries } from './weighted-header';

/**
 * Browser mode is often reached through an `ssh -L` tunnel over the X220's Wi-Fi, where every byte counts:
 * uncompressed, the first screen is about 300 KB (the page with its texts, the startup script, the style
 * sheet), compressed about 85 KB. Only the page and the built files are compressed; the API's small replies
 * and the event stream are not.
 */
export type ContentEncoding = 'br' | 'gzip';

/** The encodings we can send, best first: brotli is a tenth smaller than gzip on our scripts. */
const SUPPORTED: readonly ContentEncoding[] = ['br', 'gzip'];

/**
 * The encoding to send a body in, from the request's Accept-Encoding (`gzip, deflate, br, zstd`, or with
 * weights): the supported one with the highest weight, brotli on a tie; null when the browser accepts none
 * (or no header came: then the body goes as it is, which every client reads).
 */
export function chooseEncoding(acceptEncoding: string | undefined): ContentEncoding | null {
  if (acceptEncoding === undefined) return null;
  const weights = new Map(weightedEntries(acceptEncoding.toLowerCase()).map((entry) => [entry.name, entry.weight]));
  let best: ContentEncoding | null = null;
  let bestWeight = 0;
  for (const encoding of SUPPORTED) {
    const weight = weights.get(encoding) ?? weights.get('*') ?? 0;
    if (weight > bestWeight) {
      best = encoding;
      bestWeight = weight;
    }
  }
  return best;
}

/** Text is worth compressing; images other than SVG and fonts are compressed already, and tiny bodies gain nothing. */
export function isCompressible(contentType: string, size: number): boolean {
  return size >= 1024 && /^(text\/|application\/json|image\/svg\+xml)/.test(contentType);
}

const brotli = promisify(brotliCompress);
const gzipped = promisify(gzip);

/**
 * Compresses off the event loop (zlib's thread pool). Quality 5 of brotli: within 2 % of quality 9 on our files
 * at a sixth of the time; the page is compressed for each request (142 KB in about 4 ms), so it must be quick.
 */
export function compress(body: Buffer, encoding: ContentEncoding): Promise<Buffer> {
  if (encoding === 'gzip') return gzipped(body, { level: 6 });
  return brotli(body, {
    params: { [constants.BROTLI_PARAM_QUALITY]: 5, [constants.BROTLI_PARAM_SIZE_HINT]: body.length },
  });
}

/**
 * The built files compressed once per server, not for every request: keyed by path, encoding and content (a
 * rebuild under a running server changes the content). Bounded, so rebuilds cannot make it grow for ever; a
 * failed compression is forgotten and tried again next time.
 */
export class CompressedFiles {
  readonly #entries = new Map<string, Promise<Buffer>>();

  constructor(private readonly maxEntries = 64) {}

  get(path: string, body: Buffer, encoding: ContentEncoding): Promise<Buffer> {
    const key = `${encoding}\0${path}\0${createHash('sha256').update(body).digest('base64')}`;
    const known = this.#entries.get(key);
    if (known) return known;
    const made = compress(body, encoding);
    this.#entries.set(key, made);
    made.catch(() => this.#entries.delete(key));
    // A Map iterates in insertion order: the first key is the oldest.
    while (this.#entries.size > this.maxEntries) {
      const oldest = this.#entries.keys().next();
      if (oldest.done === true) break;
      this.#entries.delete(oldest.value);
    }
    return made;
  }

  /** A body made for one request (the page): compressed, not kept. */
  once(body: Buffer, encoding: ContentEncoding): Promise<Buffer> {
    return compress(body, encoding);
  }

  get size(): number {
    return this.#entries.size;
  }
}

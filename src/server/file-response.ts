import { cacheControlFor } from './cache-policy';
import { chooseEncoding, isCompressible, type CompressedFiles } from './compression';

/** A built file as static-files.ts reads it; `made` when its body was made for this request (the page). */
export interface ServedFile {
  body: Buffer;
  type: string;
  /** Relative to the renderer's folder, with forward slashes. */
  path: string;
  made?: boolean;
}

/**
 * How a file goes out: compressed when the browser accepts it and it is text, kept by the browser when its
 * name carries its content's hash (cache-policy.ts). A built file is compressed once (`compressed`); the page,
 * which carries the state, for every request.
 */
export async function fileResponse(
  file: ServedFile,
  acceptEncoding: string | undefined,
  compressed: Pick<CompressedFiles, 'get' | 'once'>,
): Promise<{ body: Buffer; headers: Record<string, string> }> {
  const headers: Record<string, string> = { 'Content-Type': file.type, 'Cache-Control': cacheControlFor(file.path) };
  if (!isCompressible(file.type, file.body.length)) return { body: file.body, headers };
  // Said even when sent plain: a cache must not hand this copy to a browser that asked for another encoding.
  headers['Vary'] = 'Accept-Encoding';
  const encoding = chooseEncoding(acceptEncoding);
  if (encoding === null) return { body: file.body, headers };
  try {
    const body = file.made === true ? await compressed.once(file.body, encoding) : await compressed.get(file.path, file.body, encoding);
    return { body, headers: { ...headers, 'Content-Encoding': encoding } };
  } catch {
    // zlib failing (out of memory) costs bytes, not the page: it goes as it is.
    return { body: file.body, headers };
  }
}

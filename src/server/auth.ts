import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

export const TOKEN_HEADER = 'x-egpu-token';
export const TOKEN_COOKIE = 'egpu_token';

export const newToken = (): string => randomBytes(24).toString('base64url');

export function sameToken(expected: string, given: string | undefined | null): boolean {
  if (typeof given !== 'string') return false;
  const a = Buffer.from(expected);
  const b = Buffer.from(given);
  return a.length === b.length && timingSafeEqual(a, b);
}

function cookieValue(header: string | undefined, name: string): string | null {
  if (!header) return null;
  for (const part of header.split(';')) {
    const [key, ...rest] = part.trim().split('=');
    if (key === name) return rest.join('=');
  }
  return null;
}

/** The token may come as a header (API calls), a cookie (assets, EventSource) or `?token=` (the first page). */
export function requestToken(req: IncomingMessage, url: URL): string | null {
  const header = req.headers[TOKEN_HEADER];
  if (typeof header === 'string') return header;
  return cookieValue(req.headers.cookie, TOKEN_COOKIE) ?? url.searchParams.get('token');
}

/**
 * DNS rebinding and cross-site requests: only our own loopback address may be named in Host, and a
 * browser's Origin (when sent) must be that same address.
 */
export function allowedOrigin(req: IncomingMessage, port: number): boolean {
  const allowedHosts = [`127.0.0.1:${port}`, `localhost:${port}`];
  if (!allowedHosts.includes(req.headers.host ?? '')) return false;
  const origin = req.headers.origin;
  return origin === undefined || allowedHosts.some((h) => origin === `http://${h}`);
}

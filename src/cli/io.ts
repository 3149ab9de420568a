export const out = (text: string): void => void process.stdout.write(text);
export const err = (text: string): void => void process.stderr.write(text);

export function print(text: string): number {
  out(`${text}\n`);
  return 0;
}

/** All of standard input, as bytes. */
export async function readStdin(): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk)));
  return Buffer.concat(chunks);
}

/** A Content-Security-Policy as directive → sources, lower-cased names, as browsers read it (first wins). */
export function parsePolicy(text: string): Map<string, string[]> {
  const policy = new Map<string, string[]>();
  for (const part of text.split(';')) {
    const [name, ...sources] = part.trim().split(/\s+/).filter(Boolean);
    if (name && !policy.has(name.toLowerCase())) policy.set(name.toLowerCase(), sources);
  }
  return policy;
}

const FETCH_DIRECTIVES = ['default-src', 'script-src', 'script-src-elem', 'script-src-attr', 'style-src', 'img-src', 'connect-src', 'font-src', 'media-src', 'object-src', 'frame-src', 'worker-src', 'manifest-src'];
const LOCAL = new Set(["'self'", "'none'"]);

/**
 * What is wrong with a policy for the renderer; empty when it forbids inline and evaluated script and every
 * remote origin. Images may also come from data: URLs (the step pictures are inlined SVG).
 */
export function policyProblems(text: string): string[] {
  const policy = parsePolicy(text);
  const problems: string[] = [];
  const defaultSrc = policy.get('default-src');
  if (!defaultSrc || !defaultSrc.every((s) => LOCAL.has(s))) problems.push(`default-src must be 'self' or 'none', is ${defaultSrc?.join(' ') ?? 'missing'}`);
  const scripts = policy.get('script-src') ?? defaultSrc ?? [];
  for (const bad of ["'unsafe-inline'", "'unsafe-eval'", "'unsafe-hashes'", "'wasm-unsafe-eval'"]) {
    if (scripts.includes(bad)) problems.push(`script-src allows ${bad}`);
  }
  for (const directive of FETCH_DIRECTIVES) {
    for (const source of policy.get(directive) ?? []) {
      const allowed = LOCAL.has(source) || (directive === 'img-src' && source === 'data:');
      if (!allowed) problems.push(`${directive} allows ${source}`);
    }
  }
  const objects = policy.get('object-src') ?? defaultSrc;
  if (!objects?.includes("'none'")) problems.push("object-src must be 'none'");
  if (!policy.has('base-uri')) problems.push('base-uri is not restricted');
  return problems;
}

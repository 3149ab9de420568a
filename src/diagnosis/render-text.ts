import type { Message } from '../contract/messages';
import { translateMessage, type Locale } from '../i18n/translate';
import type { DeviceRef, Diagnosis, Finding } from './types';

/** Findings as plain text, for the CLI: the same content the Troubleshoot screen shows. */

const LABEL = { error: 'ERROR', warn: 'WARN', info: 'INFO' } as const;

export const deviceText = (d: DeviceRef): string => [d.name, d.selector ? `(${d.selector})` : null, d.description ? `‘${d.description}’` : null].filter(Boolean).join(' ');

export function findingText(locale: Locale, finding: Finding, indent = '      '): string {
  const t = (m: Message) => translateMessage(locale, m);
  const out: string[] = [`${LABEL[finding.severity].padEnd(5)} ${finding.id}: ${t(finding.title)}`, `${indent}${t(finding.explanation)}`];
  if (finding.device) out.push(`${indent}device: ${deviceText(finding.device)}`);
  if (finding.bridges.length > 0) out.push(`${indent}bridges: ${finding.bridges.map(deviceText).join(', ')}`);
  for (const note of finding.notes) out.push(`${indent}note: ${t(note)}`);
  for (const e of finding.evidence) out.push(`${indent}${e.source}:${String(e.line).padStart(4)}│ ${e.text}`);
  finding.fixes.forEach((fix, i) => {
    const status = fix.status === 'in-force' ? ` [${translateMessage(locale, { key: 'diagnosis.report.inForce' })}]` : '';
    out.push(`${indent}${i + 1}. ${t(fix.title)}${status}`, `${indent}   ${t(fix.instruction)}`);
    if (fix.risk) out.push(`${indent}   ${translateMessage(locale, { key: 'diagnosis.report.risk' })}: ${t(fix.risk)}`);
  });
  return `${out.join('\n')}\n`;
}

export function diagnosisText(locale: Locale, diagnosis: Diagnosis): string {
  const head = `sources: ${diagnosis.sources.join(', ') || '—'}\n`;
  const unreadable = diagnosis.unreadable.map((u) => `UNREADABLE ${u.source}: ${u.message}${u.line === null ? '' : ` (line ${u.line})`}\n`).join('');
  const body =
    diagnosis.findings.length === 0
      ? `${translateMessage(locale, { key: 'diagnosis.report.noFindings' })}\n`
      : diagnosis.findings.map((f) => findingText(locale, f)).join('\n');
  return `${head}${unreadable}\n${body}`;
}

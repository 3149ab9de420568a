import type { Message } from '../contract/messages';
import type { CheckStatus, LogEntry, StepStatus, WizardState } from '../contract/state';
import { deviceText } from '../diagnosis/render-text';
import type { Diagnosis, Finding, RawOutput } from '../diagnosis/types';
import { translateMessage, type Locale } from '../i18n/translate';
import { Redactor, type RedactionHints } from './redact';

/**
 * The support bundle: one Markdown file with the findings, the step states, the commands the wizard ran
 * and the raw outputs, redacted as a whole at the end so nothing slips past. Pure, so the app can show the
 * exact text before the user saves it.
 */

/** The step states of a WizardState, or of saved progress when no app is running (the CLI). */
export interface ReportSteps {
  steps: ReadonlyArray<{ id: string; title: Message; status: StepStatus }>;
  checks: ReadonlyArray<{ step: string; id: string; title: Message; status: CheckStatus; reason: Message | null }>;
}

export interface ReportInput {
  locale: Locale;
  generatedAt: string;
  version: string;
  host: string;
  diagnosis: Diagnosis;
  outputs: readonly RawOutput[];
  steps: ReportSteps | null;
  audit: readonly LogEntry[];
  redaction?: RedactionHints;
}

/** What the app's state shows: every step's status, and the checks of the step on screen. */
export function stepsFromState(state: Pick<WizardState, 'steps' | 'current'>): ReportSteps {
  return {
    steps: state.steps.map((s) => ({ id: s.id, title: s.title, status: s.status })),
    checks: state.current.checks.map((c) => ({ step: state.current.id, id: c.id, title: c.title, status: c.status, reason: c.reason })),
  };
}

/** A fence longer than any run of backticks in the text, so a raw output can never close it early. */
function fenced(text: string, info = 'text'): string {
  const longest = Math.max(2, ...[...text.matchAll(/`+/g)].map((m) => m[0].length));
  const fence = '`'.repeat(longest + 1);
  return `${fence}${info}\n${text.endsWith('\n') || text === '' ? text : `${text}\n`}${fence}\n`;
}

const cell = (text: string): string => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');

function findingSection(t: (m: Message) => string, finding: Finding, index: number): string {
  const parts = [`### ${index + 1}. ${finding.severity.toUpperCase()} \`${finding.id}\`: ${t(finding.title)}\n`, `${t(finding.explanation)}\n`];
  const facts = [
    finding.device ? `- Device: ${deviceText(finding.device)}` : null,
    finding.bridges.length > 0 ? `- Bridges: ${finding.bridges.map(deviceText).join(', ')}` : null,
  ].filter((line): line is string => line !== null);
  if (facts.length > 0) parts.push(`${facts.join('\n')}\n`);
  for (const note of finding.notes) parts.push(`> ${t(note)}\n`);
  if (finding.evidence.length > 0) {
    parts.push(`**${t({ key: 'diagnosis.report.evidence' })}**\n`, fenced(finding.evidence.map((e) => `${e.source}:${e.line}: ${e.text}`).join('\n')));
  }
  if (finding.fixes.length > 0) {
    const fixes = finding.fixes.map((fix, i) => {
      const inForce = fix.status === 'in-force' ? ` (${t({ key: 'diagnosis.report.inForce' })})` : '';
      const risk = fix.risk ? ` *${t({ key: 'diagnosis.report.risk' })}:* ${t(fix.risk)}` : '';
      return `${i + 1}. **${t(fix.title)}**${inForce}: ${t(fix.instruction)}${risk}`;
    });
    parts.push(`**${t({ key: 'diagnosis.report.fixes' })}**\n`, `${fixes.join('\n')}\n`);
  }
  return parts.join('\n');
}

export function buildReport(input: ReportInput): string {
  const t = (m: Message) => translateMessage(input.locale, m);
  const { diagnosis } = input;
  const sections: string[] = [
    `# ${t({ key: 'diagnosis.report.title' })}\n`,
    `*${t({ key: 'diagnosis.report.redacted' })}*\n`,
    `- Generated: ${input.generatedAt}\n- eGPU Wizard: ${input.version}\n- Host: ${input.host}\n- Sources: ${diagnosis.sources.join(', ') || '—'}\n`,
    `## ${t({ key: 'diagnosis.report.findings' })}\n`,
  ];
  if (diagnosis.findings.length === 0) sections.push(`${t({ key: 'diagnosis.report.noFindings' })}\n`);
  diagnosis.findings.forEach((finding, i) => sections.push(findingSection(t, finding, i)));
  if (diagnosis.unreadable.length > 0) {
    sections.push(
      `## ${t({ key: 'diagnosis.report.unreadable' })}\n`,
      `${diagnosis.unreadable.map((u) => `- ${u.source}: ${u.message}${u.line === null ? '' : ` (line ${u.line})`}`).join('\n')}\n`,
    );
  }
  if (input.steps !== null) {
    const rows = input.steps.steps.map((s) => `| ${cell(s.id)} | ${cell(t(s.title))} | ${s.status} |`);
    sections.push(`## ${t({ key: 'diagnosis.report.steps' })}\n`, `| step | | status |\n| --- | --- | --- |\n${rows.join('\n')}\n`);
    const checks = input.steps.checks.map((c) => `- ${c.step} / ${t(c.title)}: **${c.status}**${c.reason ? `: ${t(c.reason)}` : ''}`);
    if (checks.length > 0) sections.push(`${checks.join('\n')}\n`);
  }
  if (input.audit.length > 0) {
    const rows = input.audit.map(
      (e) => `| ${e.at} | \`${cell(e.argv.join(' '))}\`${e.privileged ? ' (root)' : ''} | ${e.exitCode ?? '—'} | ${e.outcome} | ${e.durationMs} |`,
    );
    sections.push(`## ${t({ key: 'diagnosis.report.audit' })}\n`, `| at | command | exit | outcome | ms |\n| --- | --- | --- | --- | --- |\n${rows.join('\n')}\n`);
  }
  if (input.outputs.length > 0) {
    sections.push(`## ${t({ key: 'diagnosis.report.outputs' })}\n`);
    for (const output of input.outputs) sections.push(`### ${output.source}${output.origin ? ` (\`${output.origin}\`)` : ''}\n`, fenced(output.text));
  }
  return new Redactor(input.redaction ?? {}).redact(sections.join('\n'));
}

import { msg } from '../../contract/messages';
import type { EvidenceRef, Finding, FindingId, Severity } from '../types';

/** A finding with its id's title and nothing else yet; the rule fills in device, bridges, notes and fixes. */
export function baseFinding(id: FindingId, severity: Severity, explanation: Finding['explanation'], evidence: EvidenceRef[]): Finding {
  return { id, severity, title: msg(`diagnosis.${id}.title`), explanation, notes: [], evidence, device: null, bridges: [], fixes: [] };
}

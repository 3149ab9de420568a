import type { FileChange } from '../contract/plan';
import { emptyTroubleshoot, type FindingView, type TroubleshootView } from '../contract/troubleshoot';
import type { CommandRunner } from '../commands/runner';
import { diagnoseHost } from '../diagnosis/collect';
import { planChange } from '../diagnosis/plans';
import type { Diagnosis, RawOutput } from '../diagnosis/types';
import { LOADER } from '../steps/realloc-bars';

/**
 * The Troubleshoot screen's memory: the last diagnosis, the change behind each plan fix (computed when the
 * diagnosis ran, so what is applied is exactly what was shown), and which fixes were written since.
 */
export class Troubleshooter {
  private view: TroubleshootView = emptyTroubleshoot();
  private readonly changes = new Map<string, FileChange>();
  private readonly applied = new Set<string>();
  /** What the last run read and concluded, for the support report. */
  private last: { diagnosis: Diagnosis; outputs: RawOutput[] } | null = null;

  lastRun(): { diagnosis: Diagnosis; outputs: RawOutput[] } | null {
    return this.last;
  }

  snapshot(): TroubleshootView {
    return structuredClone(this.view);
  }

  setRunning(running: boolean): void {
    this.view = { ...this.view, running };
  }

  /** Runs the whole diagnosis on the host (read-only commands), and prepares the diff of every plan fix. */
  async run(runner: CommandRunner, signal: AbortSignal): Promise<void> {
    const { diagnosis, input } = await diagnoseHost(runner, signal);
    this.last = { diagnosis, outputs: input.outputs };
    const needsLoader = diagnosis.findings.some((f) => f.fixes.some((fix) => fix.kind === 'plan'));
    const options = { signal };
    const [loader, stat] = needsLoader
      ? await Promise.all([runner.run('readManaged', { path: LOADER }, options), runner.run('statManaged', { path: LOADER }, options)])
      : [null, null];
    this.changes.clear();
    const findings: FindingView[] = diagnosis.findings.map((finding, index) => ({
      ...finding,
      key: `${finding.id}-${index + 1}`,
      fixes: finding.fixes.map((fix) => {
        const change = fix.kind === 'plan' && loader !== null && stat !== null ? planChange(fix.plan, loader, stat, finding.device?.selector ?? '?') : null;
        const id = `${finding.id}-${index + 1}/${fix.id}`;
        if (change !== null) this.changes.set(id, change);
        return {
          id: fix.id,
          kind: fix.kind,
          plan: fix.kind === 'plan' ? fix.plan : null,
          title: fix.title,
          instruction: fix.instruction,
          risk: fix.risk,
          status: fix.status,
          change: change === null ? null : { path: change.path, diff: change.diff, reasons: change.reasons },
          applied: this.applied.has(id),
        };
      }),
    }));
    this.view = {
      running: false,
      ranAt: new Date().toISOString(),
      findings,
      sources: diagnosis.sources,
      unreadable: diagnosis.unreadable,
      restartPending: this.view.restartPending,
    };
  }

  /** The change a fix of the last diagnosis would write, or null when it has none (any more). */
  changeFor(findingKey: string, fixId: string): FileChange | null {
    return this.changes.get(`${findingKey}/${fixId}`) ?? null;
  }

  markApplied(findingKey: string, fixId: string): void {
    const id = `${findingKey}/${fixId}`;
    this.applied.add(id);
    this.changes.delete(id);
    this.view = {
      ...this.view,
      restartPending: true,
      findings: this.view.findings.map((f) =>
        f.key !== findingKey ? f : { ...f, fixes: f.fixes.map((fix) => (fix.id === fixId ? { ...fix, applied: true, change: null } : fix)) },
      ),
    };
  }

  /** After a restart the machine is new: what was written is in force or not, and the next run will say. */
  restarted(): void {
    this.applied.clear();
    this.changes.clear();
    this.last = null;
    this.view = { ...emptyTroubleshoot() };
  }
}

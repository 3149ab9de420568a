import { describeCommand } from '../commands/runner';
import type { PlanApplier } from '../config/apply';
import type { UndoPreview, UndoScope } from '../contract/undo';
import { isPassthroughChange, readGuest } from '../steps/cuda-jail/route-undo';
import { ROUTE, ROUTE_INPUT } from '../steps/cuda-jail/route';
import { SessionError, type WizardSession } from '../wizard/session';

const BOOT_FILES = new Set(['/boot/loader.conf', '/boot/loader.conf.local', '/etc/rc.conf']);
const JAIL_STEP = 'cuda-jail';

/**
 * “Undo changes”: the preview, the undo itself, the passthrough guest that must stop first (it holds the card,
 * and vm-bhyve can no longer stop it once rc.conf lost `vm_enable`), and the restart that brings boot files
 * into force. Every command it can run is in the preview the dialog shows.
 */
export class UndoChanges {
  /** The host whose undone boot files wait for a restart; a host switched to meanwhile has none. */
  private restartFor: string | null = null;

  constructor(
    private readonly session: () => WizardSession,
    private readonly applier: () => PlanApplier,
    /**
     * Forgets the deleted guest's SSH host key: a guest created again makes a new one at the same address,
     * which the wizard would otherwise refuse as a changed key.
     */
    private readonly forgetGuestKey: () => Promise<void> = async () => {},
  ) {}

  async preview(): Promise<UndoPreview> {
    const applied = await this.applier().applied();
    const changes = applied.map((c) => ({ id: c.id, path: c.path, at: c.at, undoDiff: c.undoDiff, removes: c.removes, passthrough: isPassthroughChange(c.origin) }));
    const route = changes.filter((c) => c.passthrough);
    // Only a journal with the route's changes asks vm-bhyve anything: a plain undo runs no command to preview.
    const guest = route.length > 0 ? await readGuest(this.session().runner) : null;
    return {
      changes,
      passthroughFrom: route.at(-1)?.id ?? null,
      guest,
      guestCommands: { stop: describeCommand('vmStop', {}), destroy: describeCommand('vmDestroy', {}) },
      restartCommand: describeCommand('restart', {}),
    };
  }

  async undo(scope: UndoScope): Promise<{ restored: string[]; skipped: { path: string; reason: string }[]; restartOffered: boolean }> {
    const session = this.session();
    if (session.busy) throw new SessionError('busy', 'a task is running');
    const preview = await this.preview();
    if (scope === 'passthrough' && preview.passthroughFrom === null) throw new SessionError('invalid-state', 'the passthrough route changed no file');
    const through = scope === 'passthrough' ? (preview.passthroughFrom ?? undefined) : undefined;
    const reach = through === undefined ? preview.changes : preview.changes.slice(0, preview.changes.findIndex((c) => c.id === through) + 1);
    // Taking the route back under a running guest would leave it holding the card with nothing to stop it by.
    if (preview.guest?.running === true && reach.some((c) => c.passthrough)) {
      throw new SessionError('invalid-state', `the virtual machine ${preview.guest.name} is running and holds the card: stop it first`);
    }
    const result = await session.task('changes:undo', () => this.applier().undoAll(through === undefined ? {} : { through }));
    const backedOut = scope === 'passthrough' && result.restored.length > 0;
    // Backed out of the route: the step shows the jail again (the saved choice, as if the user had picked it);
    // on that step, choosing runs its checks.
    if (backedOut) await session.setInput(JAIL_STEP, ROUTE_INPUT, ROUTE.jail);
    const restartOffered = result.restored.some((path) => BOOT_FILES.has(path));
    if (restartOffered) this.restartFor = session.hostSpec;
    // The files changed back: what the checks said about them is stale now.
    if (!(backedOut && session.currentView().id === JAIL_STEP)) await session.runChecks(session.currentView().id);
    return { ...result, restartOffered };
  }

  /** Stops the running guest, or deletes the stopped one with its disk; then the preview as it is now. */
  async guest(action: 'stop' | 'destroy'): Promise<UndoPreview> {
    const before = await this.preview();
    const guest = before.guest;
    if (guest === null) throw new SessionError('invalid-state', 'there is no passthrough guest');
    if (action === 'stop' && !guest.running) throw new SessionError('invalid-state', `${guest.name} is not running`);
    if (action === 'destroy' && guest.running) throw new SessionError('invalid-state', `${guest.name} is running: stop it first`);
    const run = await this.session().task(`changes:guest:${action}`, (runner) => runner.run(action === 'stop' ? 'vmStop' : 'vmDestroy', {}));
    if (run.outcome !== 'ok') throw new SessionError('invalid-state', `${run.argv.join(' ')}: ${run.stderr.trim() || run.outcome}`);
    if (action === 'destroy') await this.forgetGuestKey();
    return this.preview();
  }

  /** The restart an undo of boot files offered, then the current step's checks on the new boot. */
  async restart(): Promise<void> {
    const session = this.session();
    if (this.restartFor !== session.hostSpec) throw new SessionError('invalid-state', 'no undone change waits for a restart');
    const run = await session.task('changes:restart', (runner) => runner.run('restart', {}));
    if (run.outcome !== 'ok') throw new SessionError('invalid-state', `restart: ${run.stderr.trim() || run.outcome}`);
    this.restartFor = null;
    await session.runChecks(session.currentView().id);
  }
}

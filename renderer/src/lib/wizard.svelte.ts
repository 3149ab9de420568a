import { SvelteMap } from 'svelte/reactivity';
import type { Summary } from '../../../src/contract/summary';
import type { WizardState } from '../../../src/contract/state';
import { toBridgeError, type Bridge, type BridgeError, type ConnectionStatus } from './bridge';
import type { UiKey } from './i18n.svelte';

export type Action =
  | 'load'
  | 'goTo'
  | 'next'
  | 'continueAnyway'
  | 'runChecks'
  | 'runAction'
  | 'setInput'
  | 'cancel'
  | 'checklist'
  | 'password'
  | 'forgetPassword'
  | 'selectHost'
  | 'locale'
  | 'diagnose'
  | 'applyFix'
  | 'restartFix'
  | 'report'
  | 'showSummary'
  | 'summary'
  /** An event from the backend that did not match the contract. */
  | 'event';

/** Headline of the error banner: which action failed. */
export const actionFailedKey: Record<Action, UiKey> = {
  load: 'ui.error.action.load',
  goTo: 'ui.error.action.goTo',
  next: 'ui.error.action.next',
  continueAnyway: 'ui.error.action.next',
  runChecks: 'ui.error.action.runChecks',
  runAction: 'ui.error.action.runAction',
  setInput: 'ui.error.action.setInput',
  cancel: 'ui.error.action.cancel',
  checklist: 'ui.error.action.checklist',
  password: 'ui.error.action.password',
  forgetPassword: 'ui.error.action.forgetPassword',
  selectHost: 'ui.error.action.selectHost',
  locale: 'ui.error.action.locale',
  diagnose: 'ui.error.action.diagnose',
  applyFix: 'ui.error.action.applyFix',
  restartFix: 'ui.error.action.restartFix',
  report: 'ui.error.action.report',
  showSummary: 'ui.error.action.goTo',
  summary: 'ui.error.action.load',
  event: 'ui.error.action.event',
};

export interface ShownError {
  readonly action: Action;
  readonly error: BridgeError;
  /** Repeats the failed action; null where repeating makes no sense (or would need the password again). */
  readonly retry: (() => void) | null;
}

/** Which actions have a request in flight; counted, so two quick ticks do not clear each other's flag. */
export class PendingActions {
  private readonly counts = new SvelteMap<Action, number>();

  has(action: Action): boolean {
    return (this.counts.get(action) ?? 0) > 0;
  }

  add(action: Action): void {
    this.counts.set(action, (this.counts.get(action) ?? 0) + 1);
  }

  delete(action: Action): void {
    const left = (this.counts.get(action) ?? 0) - 1;
    if (left > 0) this.counts.set(action, left);
    else this.counts.delete(action);
  }
}

/**
 * The renderer's copy of the wizard. The backend owns the truth: every action replaces `state` with the
 * state the backend answers, and `state:changed` events replace it in between. A failed action leaves the
 * last good state in place and shows an error instead.
 */
export class WizardModel {
  state = $state.raw<WizardState | null>(null);
  error = $state.raw<ShownError | null>(null);
  connection = $state<ConnectionStatus>('live');
  readonly pending = new PendingActions();

  /** `first`: the state to draw the first time, when the page came with it. */
  constructor(
    readonly bridge: Bridge,
    first: WizardState | null = null,
  ) {
    this.state = first;
  }

  /** Checks are running (as the backend says, or as far as this window knows). */
  get busy(): boolean {
    return (
      this.state?.busy === true ||
      this.pending.has('runChecks') ||
      this.pending.has('runAction') ||
      this.pending.has('setInput') ||
      this.pending.has('diagnose') ||
      this.pending.has('applyFix') ||
      this.pending.has('restartFix')
    );
  }

  /** Some request is in flight that changes where the user is; navigation waits for it. */
  get navigating(): boolean {
    return this.pending.has('goTo') || this.pending.has('next') || this.pending.has('continueAnyway') || this.pending.has('showSummary');
  }

  dismissError(): void {
    this.error = null;
  }

  reportError(action: Action, error: unknown, retry: (() => void) | null = null): void {
    this.error = { action, error: toBridgeError(error), retry };
  }

  private async perform(
    action: Action,
    work: () => Promise<WizardState | null>,
    retryable: boolean,
  ): Promise<boolean> {
    this.pending.add(action);
    try {
      const next = await work();
      if (next) this.state = next;
      this.error = null;
      return true;
    } catch (error) {
      const shown = toBridgeError(error);
      this.error = { action, error: shown, retry: retryable ? () => void this.perform(action, work, retryable) : null };
      // The backend has moved on (another window, a finished run): catch up with it, keep the error visible.
      if (shown.kind === 'contract' && shown.contractError.code === 'invalid-state' && action !== 'load') {
        void this.refreshQuietly();
      }
      return false;
    } finally {
      this.pending.delete(action);
    }
  }

  /** Re-reads the state without reporting a failure (used to catch up; the visible error stays). */
  async refreshQuietly(): Promise<void> {
    try {
      this.state = await this.bridge.invoke('wizard:state', {});
    } catch {
      // The next action or event will tell.
    }
  }

  /** `first`: a request for the state already on its way (main.ts sends it before mounting); a retry asks anew. */
  load(first?: Promise<WizardState>): Promise<boolean> {
    let pending = first;
    return this.perform(
      'load',
      () => {
        const request = pending ?? this.bridge.invoke('wizard:state', {});
        pending = undefined;
        return request;
      },
      true,
    );
  }

  goTo(stepId: string): Promise<boolean> {
    return this.perform('goTo', () => this.bridge.invoke('wizard:goTo', { stepId }), true);
  }

  next(continueAnyway: boolean): Promise<boolean> {
    const stepId = this.state?.current.id;
    if (stepId === undefined) return Promise.resolve(false);
    return this.perform(
      continueAnyway ? 'continueAnyway' : 'next',
      () => this.bridge.invoke('wizard:next', { stepId, continueAnyway }),
      true,
    );
  }

  /** Back to the summary from a step (the wizard is finished). */
  showSummary(): Promise<boolean> {
    return this.perform('showSummary', () => this.bridge.invoke('wizard:showSummary', {}), true);
  }

  /** The finished wizard's summary; null when it could not be read (the banner says why). */
  async loadSummary(): Promise<Summary | null> {
    // Not through perform(): reading the summary again must not clear another action's error.
    this.pending.add('summary');
    try {
      return await this.bridge.invoke('wizard:summary', {});
    } catch (error) {
      this.reportError('summary', error, () => void this.loadSummary());
      return null;
    } finally {
      this.pending.delete('summary');
    }
  }

  runChecks(): Promise<boolean> {
    const stepId = this.state?.current.id;
    if (stepId === undefined) return Promise.resolve(false);
    return this.perform('runChecks', () => this.bridge.invoke('wizard:runChecks', { stepId }), true);
  }

  /** Called only from the confirmation dialog, after the user has seen the exact commands. */
  runAction(actionId: string): Promise<boolean> {
    const stepId = this.state?.current.id;
    if (stepId === undefined) return Promise.resolve(false);
    return this.perform('runAction', () => this.bridge.invoke('wizard:runAction', { stepId, actionId, confirmed: true }), false);
  }

  setInput(inputId: string, value: number): Promise<boolean> {
    const stepId = this.state?.current.id;
    if (stepId === undefined) return Promise.resolve(false);
    return this.perform('setInput', () => this.bridge.invoke('wizard:setInput', { stepId, inputId, value }), true);
  }

  cancel(): Promise<boolean> {
    return this.perform(
      'cancel',
      async () => {
        await this.bridge.invoke('wizard:cancel', {});
        return null;
      },
      true,
    );
  }

  setChecklistItem(itemId: string, done: boolean): Promise<boolean> {
    const stepId = this.state?.current.id;
    if (stepId === undefined) return Promise.resolve(false);
    return this.perform(
      'checklist',
      () => this.bridge.invoke('wizard:setChecklistItem', { stepId, itemId, done }),
      false,
    );
  }

  /** Not retryable from the banner: that would mean keeping the password around in a closure. */
  providePassword(password: string): Promise<boolean> {
    return this.perform('password', () => this.bridge.invoke('auth:providePassword', { password }), false);
  }

  forgetPassword(): Promise<boolean> {
    return this.perform('forgetPassword', () => this.bridge.invoke('auth:forgetPassword', {}), true);
  }

  selectHost(spec: string): Promise<boolean> {
    return this.perform('selectHost', () => this.bridge.invoke('host:select', { spec }), true);
  }

  runDiagnosis(): Promise<boolean> {
    return this.perform('diagnose', () => this.bridge.invoke('troubleshoot:run', {}), true);
  }

  /** Called only from the fix's confirmation dialog, after the user has seen the diff. */
  applyFix(findingKey: string, fixId: string): Promise<boolean> {
    return this.perform('applyFix', () => this.bridge.invoke('troubleshoot:applyFix', { findingKey, fixId, confirmed: true }), false);
  }

  restartForFixes(): Promise<boolean> {
    return this.perform('restartFix', () => this.bridge.invoke('troubleshoot:restart', { confirmed: true }), false);
  }

  /** The report's text as it would be saved; null when it could not be built (the banner says why). */
  async buildReport(): Promise<{ text: string; fileName: string } | null> {
    let built: { text: string; fileName: string } | null = null;
    await this.perform(
      'report',
      async () => {
        built = await this.bridge.invoke('report:build', {});
        return null;
      },
      true,
    );
    return built;
  }
}

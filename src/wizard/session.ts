import { msg, type Message } from '../contract/messages';
import type { ActionView, CheckResult, CheckStatus, CheckView, ProposedCommand, StepStatus, StepView } from '../contract/state';
import type { TroubleshootView } from '../contract/troubleshoot';
import type { AuditLog } from '../audit/audit-log';
import { isCommandId } from '../commands/catalogue';
import { isDetachable, StartArgs, type DetachableId } from '../commands/detached-commands';
import { parseFailure } from '../commands/parse-result';
import { followJob, type JobEnd, type SavedJob } from '../detached/follow';
import { daemonArgv, JOBS_ROOT } from '../detached/wrapper';
import type { LostReason } from '../detached/liveness';
import { CommandRunner, describeCommand, type RunOptions } from '../commands/runner';
import type { CommandProgress } from '../commands/types';
import type { ElevationMethod } from '../host/elevation';
import type { Host } from '../host/types';
import type { JsonFile } from '../storage/json-file';
import { PlanApplier, replacementCommands } from '../config/apply';
import type { Journal } from '../config/journal';
import type { FileChange } from '../contract/plan';
import { emptyStepProgress, type Finished, type SavedProgress, type StepProgress } from './progress';
import { CheckRound, toCheckResult } from './run-checks';
import { Troubleshooter } from './troubleshoot';
import { choiceViews } from './choices';
import { inputValuesOf, stepLabels, type ActionDefinition, type CheckDefinition, type Invocation, type StepDefinition } from './step';

export class SessionError extends Error {
  constructor(
    readonly code: 'invalid-state' | 'busy',
    message: string,
  ) {
    super(message);
  }
}

export interface PrivilegeState {
  method: ElevationMethod | 'unknown';
  needsPassword: boolean;
  passwordHeld: boolean;
}

export interface SessionOptions {
  host: Host;
  steps: readonly StepDefinition[];
  audit: AuditLog;
  store: JsonFile<typeof SavedProgress>;
  /** Where file changes record their backups; without it, steps cannot change files. */
  journal?: JsonFile<typeof Journal>;
  onChange?: () => void;
  onLine?: RunOptions['onLine'];
  /** Host time between two looks at a detached job (default 5 s). */
  jobPollMs?: number;
  /** The public line of the wizard's key for the passthrough guest, made on first use. */
  guestPublicKey?: () => Promise<string>;
  /** The wizard's data folder, which holds the private half of that key: guest commands log in with it. */
  dataDir?: string;
}

/** The argv a job's command runs, as its catalogue entry makes it from the saved arguments. */
function jobArgv(job: SavedJob): string[] {
  try {
    return describeCommand(job.command, job.args).argv;
  } catch {
    return [job.command];
  }
}

/** The abort reason that lets a detached job run on: the wizard is closing or switching host, not stopping it. */
const LET_GO = 'let-go';

type ActionResult = { status: 'ok' | 'failed' | 'interrupted'; exitCode: number | null; problem: Message | null };

const notRun = (): CheckResult => ({ status: 'pending', reason: null, advice: [], evidence: [], figures: [], plan: [], commands: [], ranAt: null });

/** How an action's command is shown before it runs; one whose arguments no longer pass is not shown, nor run. */
function describable(invocation: Invocation<unknown>): ActionView['commands'] {
  try {
    const described = describeCommand(invocation.command, invocation.args);
    if (!isDetachable(invocation.command)) return [described];
    // The job folder gets its name (command and start time in ms) only when it starts.
    const wrapped = daemonArgv(`${JOBS_ROOT}/${invocation.command}-START`, described.argv);
    return [{ ...described, detached: { argv: wrapped } }];
  } catch {
    return [];
  }
}

/** A saved proposal back to the form the runner takes; unknown command ids are dropped, never run. */
const toInvocation = (command: ProposedCommand): Invocation<unknown> | null =>
  isCommandId(command.command) ? { command: command.command, args: command.args } : null;

/**
 * One user's way through the steps on one host: what is ticked, what the checks said, where they are.
 * Every change is saved before the promise resolves, so a restart (or a reboot of the host) resumes here.
 */
export class WizardSession {
  readonly runner: CommandRunner;
  readonly notices: Message[] = [];
  private progress: SavedProgress;
  private readonly running = new Set<string>();
  private readonly troubleshooter = new Troubleshooter();
  /** The action whose detached job is being followed: the password can still be given meanwhile. */
  private following: string | null = null;
  /** The running action's progress, as its current command reports it. */
  private actionProgress: { key: string; progress: CommandProgress } | null = null;
  private controller: AbortController | null = null;
  private password: string | null = null;
  private candidatePassword: string | null = null;
  private privilegeFacts: { method: ElevationMethod | 'unknown'; needsPassword: boolean } = {
    method: 'unknown',
    needsPassword: false,
  };
  private saving: Promise<void> = Promise.resolve();
  /** The summary instead of a step: after Finish, and when a finished wizard is opened again. */
  private summaryShown = false;

  private constructor(
    private readonly options: SessionOptions,
    progress: SavedProgress,
  ) {
    this.progress = progress;
    this.runner = new CommandRunner(options.host, options.audit, () => ({
      method: this.privilegeFacts.method === 'unknown' ? 'none' : this.privilegeFacts.method,
      password: this.candidatePassword ?? this.password,
    }), options.dataDir === undefined ? {} : { dataDir: options.dataDir });
  }

  static async open(options: SessionOptions): Promise<WizardSession> {
    const first = options.steps[0];
    if (!first) throw new Error('a wizard needs at least one step');
    const fresh: SavedProgress = {
      version: 1,
      host: options.host.spec,
      currentStepId: first.id,
      steps: {},
      finished: null,
      jobs: [],
      updatedAt: new Date().toISOString(),
    };
    const loaded = await options.store.load();
    const session = new WizardSession(options, loaded.status === 'loaded' ? loaded.value : fresh);
    if (loaded.status === 'set-aside') {
      session.notices.push(msg('notice.progressSetAside', { file: loaded.setAsideTo, problem: loaded.problem }));
    }
    if (!options.steps.some((s) => s.id === session.progress.currentStepId)) session.progress.currentStepId = first.id;
    // A finished wizard opens on its summary; every step stays a click away.
    session.summaryShown = session.progress.finished !== null;
    // A check that was running when the app stopped did not finish; show it as not run.
    for (const step of Object.values(session.progress.steps)) {
      for (const [id, result] of Object.entries(step.checks)) if (result.status === 'running') step.checks[id] = notRun();
    }
    await session.recoverInterruptedChanges();
    // A long command the wizard left running on the host: follow it again, never start it again.
    const job = session.progress.jobs[0];
    if (job !== undefined) void session.resumeJob(job);
    return session;
  }

  /**
   * Puts back what an interrupted change left (see PlanApplier.recover) and says so. Best effort: a host
   * that cannot be reached, or a password not given yet, means it is tried again later.
   */
  private async recoverInterruptedChanges(): Promise<void> {
    if (!this.options.journal) return;
    try {
      const { rolledBack, leftAlone } = await new PlanApplier(this.runner, this.options.journal).recover();
      for (const path of rolledBack) this.notices.push(msg('notice.interruptedRolledBack', { path }));
      for (const { path, reason } of leftAlone) this.notices.push(msg('notice.interruptedLeftAlone', { path, reason }));
    } catch {
      // Unreachable host or unreadable journal: the next open, password or apply tries again.
    }
  }

  get hostSpec(): string {
    return this.options.host.spec;
  }

  get busy(): boolean {
    return this.running.size > 0;
  }

  get privilege(): PrivilegeState {
    return { ...this.privilegeFacts, passwordHeld: this.password !== null };
  }

  private get steps(): readonly StepDefinition[] {
    return this.options.steps;
  }

  private stepIndex(stepId: string): number {
    const index = this.steps.findIndex((s) => s.id === stepId);
    if (index < 0) throw new SessionError('invalid-state', `no step ${stepId}`);
    return index;
  }

  private stepProgress(stepId: string): StepProgress {
    let entry = this.progress.steps[stepId];
    if (!entry) {
      entry = emptyStepProgress();
      this.progress.steps[stepId] = entry;
    }
    return entry;
  }

  /** Steps up to the first unfinished one can be visited; the ones after it wait. */
  private firstUnfinishedIndex(): number {
    const index = this.steps.findIndex((s) => !this.progress.steps[s.id]?.completed);
    return index < 0 ? this.steps.length - 1 : index;
  }

  private changed(): Promise<void> {
    this.progress.updatedAt = new Date().toISOString();
    const snapshot = structuredClone(this.progress);
    this.saving = this.saving
      .then(() => this.options.store.save(snapshot))
      .catch(() => {
        this.notices.push(msg('notice.progressNotSaved', { file: this.options.store.path }));
      });
    this.options.onChange?.();
    return this.saving;
  }

  /** When Finish was pressed, and who and where the host said it was then; null until then. */
  get finished(): Finished | null {
    return this.progress.finished ?? null;
  }

  get showing(): 'step' | 'summary' {
    return this.summaryShown && this.finished !== null ? 'summary' : 'step';
  }

  /** A copy of what is saved for this host: the evidence the summary is built from. */
  savedProgress(): SavedProgress {
    return structuredClone(this.progress);
  }

  stepSummaries(): { id: string; title: Message; status: StepStatus; visitable: boolean; completed: boolean }[] {
    const frontier = this.firstUnfinishedIndex();
    const summary = this.showing === 'summary';
    return this.steps.map((step, index) => {
      const entry = this.progress.steps[step.id];
      const visitable = index <= frontier;
      let status: StepStatus;
      if (step.id === this.progress.currentStepId && !summary) status = 'current';
      else if (entry?.completed) status = entry.continuedAnyway ? 'warn' : 'done';
      else if (!visitable) status = 'locked';
      else if (entry && Object.values(entry.checks).some((c) => c.status === 'fail' || c.status === 'error')) status = 'fail';
      else status = 'todo';
      return { id: step.id, title: msg(stepLabels(step, this.inputValues(step)).title), status, visitable, completed: entry?.completed === true };
    });
  }

  currentView(): StepView {
    const index = this.stepIndex(this.progress.currentStepId);
    const step = this.steps[index];
    if (!step) throw new SessionError('invalid-state', 'no current step');
    const entry = this.progress.steps[step.id] ?? emptyStepProgress();
    const checks: CheckView[] = this.applicableChecks(step).map((check) => {
      const result = this.running.has(`${step.id}/${check.id}`)
        ? { ...notRun(), status: 'running' as const }
        : (entry.checks[check.id] ?? notRun());
      return { id: check.id, title: msg(check.title), ...result, explainedBy: [...(check.explainedBy ?? [])] };
    });
    const statusById: Record<string, CheckStatus> = Object.fromEntries(checks.map((c) => [c.id, c.status]));
    const actions: ActionView[] = step.actions.map((action) => {
      const plan = this.planOf(step, action);
      return {
        id: action.id,
        title: msg(action.title),
        description: msg(action.description),
        after: msg(action.after),
        commands: [
          ...this.commandsOf(step, action).flatMap((c) => describable(c)),
          ...plan.flatMap(replacementCommands),
        ],
        files: plan.map((change) => ({ path: change.path, diff: change.diff, reasons: change.reasons })),
        offered: !this.busy && this.jobOf(step.id, action.id) === null && action.offeredWhen(statusById, entry.checks) && this.hasWork(step, action, plan),
        lastRun: entry.actions[action.id] ?? null,
        running: this.running.has(`${step.id}/action:${action.id}`) || this.jobOf(step.id, action.id) !== null,
        detachedSince: this.jobOf(step.id, action.id)?.startedAt ?? null,
        progress: this.actionProgress?.key === `${step.id}/action:${action.id}` ? this.actionProgress.progress : null,
      };
    });
    const values = this.inputValues(step);
    const inputs = (step.inputs ?? []).filter((input) => input.appliesWhen?.(values) ?? true).map((input) => ({
      id: input.id,
      label: msg(input.label),
      unit: input.unit,
      min: input.min,
      max: input.max,
      step: input.step,
      value: entry.inputs[input.id] ?? input.defaultValue,
      ...(input.choices ? { choices: choiceViews(input, entry.checks) } : {}),
    }));
    const checklistDone = step.checklist.every((item) => entry.checklist[item.id] === true);
    const statuses = checks.map((c) => c.status);
    const allPass = statuses.every((s) => s === 'pass' || s === 'skip');
    const noBlocker = statuses.every((s) => s === 'pass' || s === 'warn' || s === 'skip');
    let blockedBy: Message | null = null;
    if (this.busy) blockedBy = msg('wizard.blocked.running');
    else if (!checklistDone) blockedBy = msg('wizard.blocked.checklist');
    else if (statuses.some((s) => s === 'pending')) blockedBy = msg('wizard.blocked.notRun');
    else if (statuses.some((s) => s === 'fail' || s === 'error')) blockedBy = msg('wizard.blocked.failed');
    else if (!allPass) blockedBy = msg('wizard.blocked.warnings');
    const labels = stepLabels(step, this.inputValues(step));
    return {
      id: step.id,
      title: msg(labels.title),
      intro: msg(labels.intro),
      instructions: step.instructions.map((key) => msg(key)),
      illustration: step.illustration,
      checklist: step.checklist.map((item) => ({ id: item.id, label: msg(item.label), done: entry.checklist[item.id] === true })),
      checks,
      actions,
      inputs,
      canContinue: blockedBy === null,
      canContinueAnyway: !this.busy && checklistDone && noBlocker && !allPass,
      blockedBy,
      continuedAnyway: entry.continuedAnyway,
      isLast: index === this.steps.length - 1,
    };
  }

  async setChecklistItem(stepId: string, itemId: string, done: boolean): Promise<void> {
    const step = this.steps[this.stepIndex(stepId)];
    if (!step?.checklist.some((item) => item.id === itemId)) throw new SessionError('invalid-state', `no checklist item ${itemId}`);
    this.stepProgress(stepId).checklist[itemId] = done;
    await this.changed();
  }

  /** Sets a step's input, within its range, and checks the step again, since its verdicts depend on it. */
  async setInput(stepId: string, inputId: string, value: number): Promise<void> {
    const input = this.steps[this.stepIndex(stepId)]?.inputs?.find((i) => i.id === inputId);
    if (!input) throw new SessionError('invalid-state', `no input ${inputId}`);
    if (!(value >= input.min && value <= input.max)) throw new SessionError('invalid-state', `${inputId} must be between ${input.min} and ${input.max}`);
    if (input.choices) {
      const choice = input.choices.find((c) => c.value === value);
      if (!choice) throw new SessionError('invalid-state', `${value} is not one of the choices of ${inputId}`);
      // The evidence decides, not the window: a choice it rules out is refused even when sent directly.
      if (choice.unavailable?.(this.stepProgress(stepId).checks)) throw new SessionError('invalid-state', `${inputId} ${value} is not available on this machine`);
    }
    this.stepProgress(stepId).inputs[inputId] = value;
    await this.changed();
    if (stepId === this.progress.currentStepId && !this.busy) await this.runChecks(stepId);
  }

  async goTo(stepId: string): Promise<void> {
    const index = this.stepIndex(stepId);
    if (index > this.firstUnfinishedIndex()) throw new SessionError('invalid-state', `step ${stepId} is not reachable yet`);
    this.progress.currentStepId = stepId;
    this.summaryShown = false;
    await this.changed();
  }

  /** Back to the summary from a step (only once the wizard is finished). */
  async showSummary(): Promise<void> {
    if (this.finished === null) throw new SessionError('invalid-state', 'the wizard is not finished yet');
    this.summaryShown = true;
    await this.changed();
  }

  async next(stepId: string, continueAnyway: boolean): Promise<void> {
    if (stepId !== this.progress.currentStepId) throw new SessionError('invalid-state', `${stepId} is not the current step`);
    const view = this.currentView();
    const allowed = continueAnyway ? view.canContinueAnyway : view.canContinue;
    if (!allowed) throw new SessionError('invalid-state', `step ${stepId} cannot continue yet`);
    const entry = this.stepProgress(stepId);
    entry.completed = true;
    entry.continuedAnyway = continueAnyway;
    if (continueAnyway) {
      const warned = view.checks.filter((c) => c.status === 'warn').map((c) => c.id);
      this.options.audit.record({
        id: `decision-${Date.now()}`,
        at: new Date().toISOString(),
        host: this.hostSpec,
        commandId: 'decision:continue-anyway',
        argv: [stepId, ...warned],
        privileged: false,
        exitCode: null,
        durationMs: 0,
        outcome: 'ok',
        stdout: `The user continued past warnings in step ${stepId}: ${warned.join(', ')}`,
        stderr: '',
        truncated: false,
      });
    }
    const nextStep = this.steps[this.stepIndex(stepId) + 1];
    if (nextStep) this.progress.currentStepId = nextStep.id;
    else await this.finish();
    await this.changed();
  }

  /**
   * Finish on the last step: the wizard is done for this host and shows its summary. The host is asked who
   * and where it is, so the summary's commands (`ssh user@hostname`) are this machine's; a host that does
   * not answer leaves them null, never a guess.
   */
  private async finish(): Promise<void> {
    if (this.finished === null) {
      const [user, hostname] = await Promise.all([this.runner.run('idName', {}), this.runner.run('sysctl', { key: 'kern.hostname' })]);
      this.progress.finished = {
        at: new Date().toISOString(),
        user: user.parsed.ok ? user.parsed.value.name : null,
        hostname: hostname.parsed.ok ? (hostname.parsed.value.value ?? null) : null,
      };
    }
    this.summaryShown = true;
  }

  async runChecks(stepId: string): Promise<void> {
    if (this.busy) throw new SessionError('busy', 'checks are already running');
    const step = this.steps[this.stepIndex(stepId)];
    if (!step) return;
    const controller = new AbortController();
    this.controller = controller;
    const checks = this.applicableChecks(step);
    for (const check of checks) this.running.add(`${step.id}/${check.id}`);
    this.options.onChange?.();
    const round = new CheckRound(this.runner, {
      signal: controller.signal,
      ...(this.options.onLine ? { onLine: this.options.onLine } : {}),
    });
    const context = { passwordVerified: this.password !== null, inputs: this.inputValues(step), guestPublicKey: await this.guestKeyFor(checks) };
    try {
      await Promise.all(
        checks.map(async (check) => {
          const { verdict } = await round.check(check, context);
          this.stepProgress(step.id).checks[check.id] = toCheckResult(verdict, new Date());
          if (verdict.facts && typeof verdict.facts.elevation === 'string') this.adoptElevation(verdict.facts);
          this.running.delete(`${step.id}/${check.id}`);
          this.options.onChange?.();
        }),
      );
    } finally {
      for (const check of step.checks) this.running.delete(`${step.id}/${check.id}`);
      this.controller = null;
    }
    await this.changed();
  }

  /** The guest's public key, made only when a check of the round needs it; null when it cannot be had. */
  private async guestKeyFor(checks: readonly CheckDefinition[]): Promise<string | null> {
    if (!checks.some((c) => c.usesGuestKey === true) || this.options.guestPublicKey === undefined) return null;
    return this.options.guestPublicKey().catch(() => null);
  }

  /**
   * The inputs a step's checks see: every step's (saved, else its default), so a later step can follow a
   * choice made earlier (the first model follows the jail step's route). Input ids are unique across steps.
   */
  private inputValues(step: StepDefinition): Record<string, number> {
    return inputValuesOf(this.steps, this.progress.steps, step);
  }

  /** The checks that belong to the step as the inputs set it up (see CheckDefinition.appliesWhen). */
  private applicableChecks(step: StepDefinition): readonly CheckDefinition[] {
    const values = this.inputValues(step);
    return step.checks.filter((check) => check.appliesWhen?.(values) ?? true);
  }

  /** The file changes an action would apply: those its check proposed when it last ran. */
  private planOf(step: StepDefinition, action: ActionDefinition): FileChange[] {
    if (action.appliesPlanOf === undefined) return [];
    return this.progress.steps[step.id]?.checks[action.appliesPlanOf]?.plan ?? [];
  }

  /** An action that carries out a check's proposal is offered only while there is something proposed. */
  private hasWork(step: StepDefinition, action: ActionDefinition, plan: readonly FileChange[]): boolean {
    if (action.appliesPlanOf === undefined && action.runsCommandsOf === undefined) return true;
    return plan.length > 0 || this.proposedBy(step, action).length > 0;
  }

  /** The commands the check named by `runsCommandsOf` proposed when it last ran. */
  private proposedBy(step: StepDefinition, action: ActionDefinition): Invocation<unknown>[] {
    if (action.runsCommandsOf === undefined) return [];
    const saved = this.progress.steps[step.id]?.checks[action.runsCommandsOf]?.commands ?? [];
    return saved.map(toInvocation).filter((c): c is Invocation<unknown> => c !== null);
  }

  /** Everything an action runs besides its file changes: its own commands, then those its check proposed. */
  private commandsOf(step: StepDefinition, action: ActionDefinition): Invocation<unknown>[] {
    return [...action.commands, ...this.proposedBy(step, action)];
  }

  /** Runs a fix's commands in order, stopping at the first that fails; only when the step offers it now. */
  async runAction(stepId: string, actionId: string): Promise<void> {
    if (this.busy) throw new SessionError('busy', 'a task is already running');
    if (stepId !== this.progress.currentStepId) throw new SessionError('invalid-state', `${stepId} is not the current step`);
    const step = this.steps[this.stepIndex(stepId)];
    const action = step?.actions.find((a) => a.id === actionId);
    if (!step || !action) throw new SessionError('invalid-state', `no action ${actionId}`);
    if (!this.currentView().actions.find((a) => a.id === actionId)?.offered) {
      throw new SessionError('invalid-state', `action ${actionId} is not offered now`);
    }
    const controller = new AbortController();
    this.controller = controller;
    const key = `${stepId}/action:${actionId}`;
    this.running.add(key);
    this.options.onChange?.();
    let result: ActionResult = { status: 'ok', exitCode: 0, problem: null };
    let letGo = false;
    const plan = this.planOf(step, action);
    const commands = this.commandsOf(step, action);
    try {
      if (plan.length > 0) {
        if (!this.options.journal) throw new SessionError('invalid-state', 'no change journal to record the backup in');
        const outcome = await new PlanApplier(this.runner, this.options.journal, controller.signal).apply(plan, { stepId, actionId });
        if (outcome.status !== 'applied') {
          result = { status: 'failed', exitCode: null, problem: null };
          this.notices.push(msg(outcome.status === 'restored' ? 'notice.changeRestored' : 'notice.changeNotApplied', { path: outcome.path, reason: outcome.reason }));
        }
      }
      for (const invocation of commands) {
        if (result.status !== 'ok') break;
        if (isDetachable(invocation.command)) {
          const detached = await this.runDetached(stepId, actionId, key, invocation.command, invocation.args, controller);
          if (detached === null) {
            letGo = true;
            break;
          }
          result = detached;
          continue;
        }
        const run = await this.runner.run(invocation.command, invocation.args as never, {
          signal: controller.signal,
          ...(this.options.onLine ? { onLine: this.options.onLine } : {}),
          onProgress: (_id, progress) => {
            this.actionProgress = { key, progress };
            this.options.onChange?.();
          },
        });
        this.actionProgress = null;
        if (run.outcome !== 'ok') {
          const problem = run.outcome === 'cancelled' ? msg('wizard.action.cancelled') : (action.explainFailure?.(run) ?? null);
          result = { status: 'failed', exitCode: run.exitCode, problem };
          break;
        }
      }
    } finally {
      this.running.delete(key);
      this.actionProgress = null;
      this.controller = null;
    }
    // The wizard let go of a job still running on the host: its result comes when it is followed again.
    if (letGo) {
      this.options.onChange?.();
      return;
    }
    this.stepProgress(stepId).actions[actionId] = { ...result, at: new Date().toISOString() };
    await this.changed();
    // What the files and packages now say is the new truth: check again, so the proposals and actions update.
    if (plan.length > 0 || action.runsCommandsOf !== undefined) await this.runChecks(stepId);
  }

  private jobOf(stepId: string, actionId: string): SavedJob | null {
    return this.progress.jobs.find((j) => j.stepId === stepId && j.actionId === actionId) ?? null;
  }

  /**
   * Starts a long command detached on the host, or, if one of the same command is already there, follows
   * that one: the job is saved before it starts, so no crash, reload or lost connection can start it twice.
   * Null when the wizard let go of it (closing), which leaves it running and saved.
   */
  private async runDetached(stepId: string, actionId: string, key: string, command: DetachableId, args: unknown, controller: AbortController): Promise<ActionResult | null> {
    const started = new Date();
    const startArgs = StartArgs.safeParse({ jobId: `${command}-${started.getTime()}`, command, args });
    if (!startArgs.success) return { status: 'failed', exitCode: null, problem: null };
    // The same operation is the same command with the same arguments.
    const same = JSON.stringify(startArgs.data.args);
    let job = this.progress.jobs.find((j) => j.command === command && JSON.stringify(j.args) === same);
    if (job === undefined) {
      job = { jobId: startArgs.data.jobId, command, stepId, actionId, startedAt: started.toISOString(), args: startArgs.data.args };
      this.progress.jobs.push(job);
      await this.changed();
      const start = await this.runner.run('detachedStart', startArgs.data, { signal: controller.signal });
      // A start that may have reached the host (a lost connection) is followed: its status file will tell.
      if (start.outcome !== 'ok' && start.outcome !== 'connection-lost') {
        await this.forgetJob(job);
        if (start.outcome === 'cancelled') return { status: 'failed', exitCode: start.exitCode, problem: msg('wizard.action.cancelled') };
        // Not started (no sudo password yet, no way to become root): the action's own words say why.
        const action = this.steps.find((s) => s.id === stepId)?.actions.find((a) => a.id === actionId);
        return { status: 'failed', exitCode: start.exitCode, problem: action?.explainFailure?.(start) ?? null };
      }
      this.auditJob(job, 'started', null, '');
    }
    return this.attach(job, key, controller);
  }

  /**
   * Follows a job to its end. A Stop (the controller aborted without LET_GO) sends SIGTERM to the job's
   * process group, then follows it until the wrapper records how it ended.
   */
  private async attach(job: SavedJob, key: string, controller: AbortController): Promise<ActionResult | null> {
    const follow = (signal: AbortSignal): Promise<JobEnd> =>
      followJob(this.runner, this.options.host, job, {
        signal,
        pollMs: this.options.jobPollMs ?? 5000,
        // Streamed under the id of the entry that records the end, which takes their place in the command log.
        onLine: (line) => this.options.onLine?.(`${job.jobId}-ended`, job.command, 'stdout', line),
        onProgress: (progress) => {
          this.actionProgress = { key, progress };
          this.options.onChange?.();
        },
      });
    let current = controller;
    let end = await follow(current.signal);
    let stopped = false;
    // Each Stop signals the group and follows on to the status the wrapper writes; a Stop that could not be
    // sent (no password yet, connection down) says so, and the job is still followed and can be stopped again.
    while (end.kind === 'let-go') {
      if (current.signal.reason === LET_GO) return null;
      stopped = true;
      if (end.pgid !== null) {
        const stop = await this.runner.run('detachedStop', { pgid: end.pgid });
        if (stop.outcome !== 'ok') this.notices.push(msg('detached.stopFailed', { reason: stop.refusal ?? (stop.stderr.trim() || stop.outcome) }));
      }
      current = new AbortController();
      this.controller = current;
      end = await follow(current.signal);
    }
    this.actionProgress = null;
    await this.forgetJob(job);
    if (end.kind === 'vanished') {
      this.auditJob(job, 'vanished', null, '');
      return { status: 'failed', exitCode: null, problem: msg('detached.vanished') };
    }
    // Never started again here: the step's checks say what is left, and the user chooses to run it again.
    if (end.kind === 'interrupted') {
      this.auditJob(job, 'interrupted', null, end.log, end.reason);
      return { status: 'interrupted', exitCode: null, problem: msg(`detached.interrupted.${end.reason}`) };
    }
    this.auditJob(job, 'ended', end.exitCode, end.log);
    if (end.exitCode === 0) return { status: 'ok', exitCode: 0, problem: null };
    if (stopped) return { status: 'failed', exitCode: end.exitCode, problem: msg('wizard.action.cancelled') };
    const step = this.steps.find((s) => s.id === job.stepId);
    const action = step?.actions.find((a) => a.id === job.actionId);
    const explained = action?.explainFailure?.({
      runId: job.jobId,
      commandId: job.command,
      argv: jobArgv(job),
      privileged: true,
      outcome: 'failed',
      exitCode: end.exitCode,
      stdout: end.log,
      stderr: end.log,
      durationMs: Date.now() - Date.parse(job.startedAt),
      // The commands that run detached all end in done-or-failed; the reason is the log's last line.
      parsed: parseFailure('command-failed', end.log.trimEnd().split('\n').pop() || `exited with ${end.exitCode}`),
      refusal: null,
    });
    return { status: 'failed', exitCode: end.exitCode, problem: explained ?? null };
  }

  /**
   * How this host elevates, learned again by Preflight's privilege check (its facts are not saved): a
   * reopened wizard needs it before a Stop can signal a job that runs as root.
   */
  private async learnElevation(): Promise<void> {
    const check = this.steps.flatMap((s) => s.checks).find((c) => c.id === 'privileges');
    if (check === undefined) return;
    const { verdict } = await new CheckRound(this.runner, {}).check(check, { passwordVerified: this.password !== null, inputs: {} });
    if (verdict.facts && typeof verdict.facts.elevation === 'string') this.adoptElevation(verdict.facts);
  }

  /** Follows a job the wizard left running (it was closed, or the connection dropped) and records its end. */
  private async resumeJob(job: SavedJob): Promise<void> {
    const key = `${job.stepId}/action:${job.actionId}`;
    const controller = new AbortController();
    this.controller = controller;
    this.running.add(key);
    this.following = key;
    this.options.onChange?.();
    let result: ActionResult | null = null;
    try {
      if (this.privilegeFacts.method === 'unknown') await this.learnElevation().catch(() => undefined);
      result = await this.attach(job, key, controller);
    } catch {
      result = null;
    } finally {
      this.following = null;
      this.running.delete(key);
      this.actionProgress = null;
      this.controller = null;
    }
    if (result === null) {
      this.options.onChange?.();
      return;
    }
    this.stepProgress(job.stepId).actions[job.actionId] = { ...result, at: new Date().toISOString() };
    await this.changed();
    const step = this.steps.find((s) => s.id === job.stepId);
    const action = step?.actions.find((a) => a.id === job.actionId);
    if (step !== undefined && action?.runsCommandsOf !== undefined && step.id === this.progress.currentStepId && !this.busy) await this.runChecks(step.id);
  }

  private async forgetJob(job: SavedJob): Promise<void> {
    this.progress.jobs = this.progress.jobs.filter((j) => j.jobId !== job.jobId);
    await this.changed();
  }

  /** The detached run in the audit log: one entry when it starts, one when its end is learned. */
  private auditJob(job: SavedJob, event: 'started' | 'ended' | 'vanished' | 'interrupted', exitCode: number | null, log: string, reason?: LostReason): void {
    const ended = event !== 'started';
    const outcome = event === 'started' ? 'ok' : event === 'interrupted' ? 'interrupted' : event === 'vanished' ? 'failed' : exitCode === 0 ? 'ok' : 'failed';
    const why =
      event === 'vanished'
        ? `job ${job.jobId} never wrote its pid: it did not start`
        : event === 'interrupted'
          ? `job ${job.jobId} has no exit status and its process is gone: ${reason === 'restarted' ? 'the host was started again (kern.boottime changed) while it ran' : 'it ended without the wrapper recording how (killed?)'}`
          : '';
    this.options.audit.record({
      // The interrupted end takes the place of the lines streamed under the `-ended` id, as an end would.
      id: `${job.jobId}-${event === 'interrupted' ? 'ended' : event}`,
      at: ended ? new Date().toISOString() : job.startedAt,
      host: this.hostSpec,
      commandId: `detached:${job.command}`,
      argv: jobArgv(job),
      privileged: true,
      exitCode,
      durationMs: ended ? Math.max(0, Date.now() - Date.parse(job.startedAt)) : 0,
      outcome,
      stdout: event === 'started' ? `job ${job.jobId} started at ${job.startedAt}` : log,
      stderr: why,
      truncated: false,
    });
  }

  /** Lets go of a running detached job without stopping it (the app closes, or another host is chosen). */
  letGo(): void {
    this.controller?.abort(LET_GO);
  }

  private adoptElevation(facts: Record<string, string | number | boolean | null>): void {
    const method = facts.elevation;
    if (method === 'root' || method === 'sudo' || method === 'doas' || method === 'none') {
      this.privilegeFacts = { method, needsPassword: facts.needsPassword === true };
    }
  }

  /** The Troubleshoot screen: the last diagnosis and its fixes. */
  troubleshootView(): TroubleshootView {
    return this.troubleshooter.snapshot();
  }

  /** What the last diagnosis read and concluded, for the support report. */
  lastDiagnosis(): ReturnType<Troubleshooter['lastRun']> {
    return this.troubleshooter.lastRun();
  }

  /** Runs the whole diagnosis: read-only commands, cancellable like checks. */
  async runDiagnosis(): Promise<void> {
    if (this.busy) throw new SessionError('busy', 'a task is already running');
    const controller = new AbortController();
    this.controller = controller;
    this.running.add('troubleshoot');
    this.troubleshooter.setRunning(true);
    this.options.onChange?.();
    try {
      await this.troubleshooter.run(this.runner, controller.signal);
    } finally {
      this.running.delete('troubleshoot');
      this.troubleshooter.setRunning(false);
      this.controller = null;
      this.options.onChange?.();
    }
  }

  /** Writes the change a plan fix showed (backup, staging, atomic rename, undoable), as the steps' actions do. */
  async applyFix(findingKey: string, fixId: string): Promise<void> {
    if (this.busy) throw new SessionError('busy', 'a task is already running');
    const change = this.troubleshooter.changeFor(findingKey, fixId);
    if (change === null) throw new SessionError('invalid-state', `fix ${fixId} of ${findingKey} has nothing to apply`);
    if (!this.options.journal) throw new SessionError('invalid-state', 'no change journal to record the backup in');
    const controller = new AbortController();
    this.controller = controller;
    this.running.add('troubleshoot:fix');
    this.options.onChange?.();
    try {
      const outcome = await new PlanApplier(this.runner, this.options.journal, controller.signal).apply([change], { stepId: 'troubleshoot', actionId: fixId });
      if (outcome.status === 'applied') this.troubleshooter.markApplied(findingKey, fixId);
      else this.notices.push(msg(outcome.status === 'restored' ? 'notice.changeRestored' : 'notice.changeNotApplied', { path: outcome.path, reason: outcome.reason }));
    } finally {
      this.running.delete('troubleshoot:fix');
      this.controller = null;
      this.options.onChange?.();
    }
  }

  /**
   * Runs host commands that belong to no step (undo's guest stop, its restart) as a task of the session:
   * refused while another runs, and shown as busy meanwhile.
   */
  async task<T>(key: string, work: (runner: CommandRunner) => Promise<T>): Promise<T> {
    if (this.busy) throw new SessionError('busy', 'a task is already running');
    this.running.add(key);
    this.options.onChange?.();
    try {
      return await work(this.runner);
    } finally {
      this.running.delete(key);
      this.options.onChange?.();
    }
  }

  /** Restarts the host so written fixes take effect; the next diagnosis shows whether they helped. */
  async restartForFixes(): Promise<boolean> {
    if (this.busy) throw new SessionError('busy', 'a task is already running');
    if (!this.troubleshooter.snapshot().restartPending) throw new SessionError('invalid-state', 'no fix waits for a restart');
    this.running.add('troubleshoot:restart');
    this.options.onChange?.();
    try {
      const run = await this.runner.run('restart', {});
      if (run.outcome === 'ok') this.troubleshooter.restarted();
      return run.outcome === 'ok';
    } finally {
      this.running.delete('troubleshoot:restart');
      this.options.onChange?.();
    }
  }

  cancel(): number {
    if (!this.controller) return 0;
    this.controller.abort();
    return 1;
  }

  /** Keeps the password only if sudo accepts it; it lives in memory for this session and is never written. */
  async providePassword(password: string): Promise<boolean> {
    if (this.privilegeFacts.method !== 'sudo') throw new SessionError('invalid-state', 'this host does not use sudo');
    // While a detached job is only being followed, the password is what a Stop of it needs.
    const onlyFollowing = this.running.size === 1 && this.following !== null && this.running.has(this.following);
    if (this.busy && !onlyFollowing) throw new SessionError('busy', 'checks are running');
    this.candidatePassword = password;
    try {
      const run = await this.runner.run('privilegeProbe', {});
      const accepted = run.outcome === 'ok' && run.parsed.ok && run.parsed.value.uid === 0;
      if (accepted) {
        this.password = password;
        await this.recoverInterruptedChanges();
      }
      else this.notices.push(msg('notice.passwordRejected'));
      return accepted;
    } finally {
      this.candidatePassword = null;
      this.options.onChange?.();
    }
  }

  forgetPassword(): void {
    this.password = null;
    this.options.onChange?.();
  }

  dismissNotices(): void {
    this.notices.length = 0;
  }

  /** Waits for pending saves; used before exit and by tests. */
  async settled(): Promise<void> {
    await this.saving;
  }
}

import { guestPublicKey } from '../bhyve/guest-keypair';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { AuditLog } from '../audit/audit-log';
import {
  channels,
  events,
  isChannelName,
  type ChannelName,
  type ContractError,
  type Envelope,
  type EventName,
  type EventOf,
  type RequestOf,
  type ResponseOf,
} from '../contract/channels';
import { msg, type Message } from '../contract/messages';
import { describeChannel } from '../contract/names';
import type { AppInfo, Locale, WizardState } from '../contract/state';
import { createHost, hostSpecs, UnknownHostError } from '../host/create-host';
import type { SimClock } from '../host/simulated/clock';
import type { Host } from '../host/types';
import { isSshSpec, sshAddressOf } from '../contract/ssh-spec';
import type { SshProbe } from '../contract/ssh';
import { probeSsh, trustAndProbe } from '../host/ssh/connect';
import { SshHost } from '../host/ssh/ssh-host';
import { wizardSteps } from '../steps';
import { PlanApplier } from '../config/apply';
import { journalFile } from '../config/journal';
import type { Summary } from '../contract/summary';
import { buildSummary } from '../summary/build';
import { progressFile } from '../wizard/progress';
import { SessionError, WizardSession } from '../wizard/session';
import type { StepDefinition } from '../wizard/step';
import { buildReport, stepsFromState } from '../report/build';
import { redactionHints } from './report-hints';
import { settingsFile, type Settings } from './settings';
import { UndoChanges } from './undo';
import { guestAccessFiles } from '../commands/runner';

/** How many recent commands of the audit log the support report lists. */
const REPORT_AUDIT_ENTRIES = 200;

export interface BackendOptions {
  dataDir: string;
  hostSpec: string;
  mode: AppInfo['mode'];
  version: string;
  emit?: <E extends EventName>(event: E, payload: EventOf<E>) => void;
  steps?: readonly StepDefinition[];
  /** Tests hand in their own hosts; the app uses `createHost`. */
  hostFactory?: (spec: string) => Host;
  /** The time every simulated host of this backend plays its commands in (real time when absent). */
  simClock?: SimClock;
  /**
   * Host time between the first two looks at a detached job (the session's 5 s when absent). Tests that
   * watch a job's progress on a simulated clock look more often than a real host needs.
   */
  jobPollMs?: number;
}

type Handlers = { [C in ChannelName]: (request: RequestOf<C>) => Promise<ResponseOf<C>> };

/**
 * Everything behind the IPC contract, free of Electron: the Electron main process and browser mode both
 * hand raw payloads to `dispatch`, which validates them against the contract before anything runs.
 */
export class Backend {
  readonly audit: AuditLog;
  private session!: WizardSession;
  private hostPickerReason: Message | null = null;
  /** The session's host, kept to end its SSH master connection when the host changes or the app closes. */
  private host: Host | null = null;
  private readonly settings: ReturnType<typeof settingsFile>;
  private settingsValue: Settings = { version: 1, locale: null };
  private stateQueued = false;
  /**
   * Settles once the look at the current host (is it FreeBSD?) is done. Opening the app does not wait for it,
   * so the first state is there without any host command; the answer follows as a `state:changed` event.
   */
  hostChecked: Promise<void> = Promise.resolve();
  private hostCheckStop: AbortController | null = null;

  private constructor(private readonly options: BackendOptions) {
    this.audit = new AuditLog(join(options.dataDir, 'audit.log'));
    this.settings = settingsFile(options.dataDir);
    this.audit.onEntry((entry) => this.emit('log:entry', entry));
  }

  /**
   * Ready to answer once the settings and the saved progress are read; runs no host command on the way
   * (an interrupted change in the journal is the one exception: it is put back before anything else runs).
   */
  static async create(options: BackendOptions): Promise<Backend> {
    const backend = new Backend(options);
    const loaded = await backend.settings.load();
    if (loaded.status === 'loaded') backend.settingsValue = loaded.value;
    await backend.openSession(options.hostSpec, { waitForHostCheck: false });
    return backend;
  }

  /** The language the user chose here before, if any: browser mode writes it into the page it serves. */
  get savedLocale(): Locale | null {
    return this.settingsValue.locale;
  }

  /** Events are checked against the contract on the way out, as replies are in `dispatch`. */
  private emit<E extends EventName>(event: E, payload: EventOf<E>): void {
    const emit = this.options.emit;
    if (!emit) return;
    const checked = events[event].safeParse(payload);
    // A malformed event is a bug here; dropping it leaves the renderer with the last good state.
    if (checked.success) emit(event, payload);
  }

  /**
   * For a listener that just connected: the current state, as an event. What changed between the page reading
   * the state and its event stream opening (the host check, for one) is not lost that way.
   */
  replayTo(send: <E extends EventName>(event: E, payload: EventOf<E>) => void): void {
    const state = this.state();
    if (events['state:changed'].safeParse(state).success) send('state:changed', state);
  }

  get currentSession(): WizardSession {
    return this.session;
  }

  private makeHost(spec: string): Host {
    const { hostFactory, dataDir, simClock } = this.options;
    return hostFactory ? hostFactory(spec) : createHost(spec, simClock ? { dataDir, simClock } : { dataDir });
  }

  /** Probes or trusts an `ssh://` host without switching to it. */
  private async sshHost<T>(spec: string, use: (host: SshHost) => Promise<T>): Promise<T> {
    if (!isSshSpec(spec)) throw new SessionError('invalid-state', 'not an ssh:// host');
    const host = this.makeHost(spec);
    if (!(host instanceof SshHost)) throw new SessionError('invalid-state', 'not an ssh:// host');
    try {
      return await use(host);
    } finally {
      // A probe's master connection is not the session's: it ends with the probe.
      await host.close();
    }
  }

  /** Ends the current host's master connection, if it has one. */
  private async closeHost(): Promise<void> {
    const host = this.host;
    this.host = null;
    if (host instanceof SshHost) await host.close();
  }

  private async openSession(spec: string, { waitForHostCheck }: { waitForHostCheck: boolean }): Promise<void> {
    // The look at the previous host is of no use any more, and its connection is about to end.
    this.hostCheckStop?.abort();
    const host = this.makeHost(spec);
    // Declared definite, but unset before the first host: a job of the previous host runs on there.
    (this.session as WizardSession | undefined)?.letGo();
    await this.closeHost();
    this.host = host;
    this.session = await WizardSession.open({
      host,
      steps: this.options.steps ?? wizardSteps,
      audit: this.audit,
      store: progressFile(this.options.dataDir, spec),
      journal: journalFile(this.options.dataDir),
      onChange: () => this.queueState(),
      onLine: (runId, commandId, stream, line) => this.emit('log:line', { runId, commandId, stream, line }),
      jobPollMs: this.options.jobPollMs,
      guestPublicKey: () => guestPublicKey(this.options.dataDir),
      dataDir: this.options.dataDir,
    });
    this.hostPickerReason = null;
    const session = this.session;
    const stop = new AbortController();
    this.hostCheckStop = stop;
    this.hostChecked = this.whyPickAnotherHost(stop.signal).then(
      (reason) => {
        // A host picked meanwhile has its own check.
        if (this.session !== session || stop.signal.aborted) return;
        this.hostPickerReason = reason;
        if (reason !== null) this.queueState();
      },
      () => {
        // Nothing to say then: the preflight check reads the system again and shows what it finds.
      },
    );
    if (waitForHostCheck) await this.hostChecked;
  }

  /** The wizard can only help on FreeBSD; anywhere else the user is sent to the host picker with the reason. */
  private async whyPickAnotherHost(signal: AbortSignal): Promise<Message | null> {
    const uname = await this.session.runner.run('uname', {}, { signal });
    if (uname.transport) return msg(`ssh.error.${uname.transport.kind}`, { host: sshAddressOf(this.session.hostSpec), detail: uname.transport.detail });
    if (!uname.parsed.ok) return msg('host.picker.unknownOs', { detail: uname.parsed.error.message });
    const { sysname, release } = uname.parsed.value;
    return sysname === 'FreeBSD' ? null : msg('host.picker.notFreeBSD', { os: `${sysname} ${release}` });
  }

  /** Several changes in one tick become one state event. */
  private queueState(): void {
    if (this.stateQueued || !this.options.emit) return;
    this.stateQueued = true;
    queueMicrotask(() => {
      this.stateQueued = false;
      this.emit('state:changed', this.state());
    });
  }

  state(): WizardState {
    const spec = this.session.hostSpec;
    const simulated = spec.startsWith('sim:');
    // A simulated host is named by its scenario's description; the UI marks it as a demo from `simulated`.
    const hostLabel = (s: string): Message =>
      s === 'local' ? msg('host.local.label') : isSshSpec(s) ? msg('ssh.host.label', { host: sshAddressOf(s) }) : msg(`scenario.${s.slice(4)}`);
    const description = (s: string): Message =>
      s === 'local' ? msg('host.local.description') : isSshSpec(s) ? msg('ssh.host.description') : msg('host.sim.description');
    // An SSH host in use is one of the choices too, so the picker shows it as the one in use.
    const specs = isSshSpec(spec) ? [spec, ...hostSpecs()] : hostSpecs();
    return {
      host: { spec, label: hostLabel(spec), simulated },
      hostChoices: specs.map((s) => ({ spec: s, label: hostLabel(s), description: description(s) })),
      hostPickerReason: this.hostPickerReason,
      steps: this.session.stepSummaries(),
      current: this.session.currentView(),
      privilege: this.session.privilege,
      notices: [...this.session.notices],
      busy: this.session.busy,
      troubleshoot: this.session.troubleshootView(),
      finished: this.session.finished === null ? null : { at: this.session.finished.at },
      showing: this.session.showing,
    };
  }

  /** The finished wizard's summary, from saved progress and the change journal; no command runs for it. */
  private async summary(): Promise<Summary> {
    const finished = this.session.finished;
    if (finished === null) throw new SessionError('invalid-state', 'the wizard is not finished yet');
    const journal = await journalFile(this.options.dataDir).load();
    return buildSummary({
      steps: this.options.steps ?? wizardSteps,
      progress: this.session.savedProgress(),
      finished,
      journal: journal.status === 'loaded' ? journal.value.entries : [],
      dataDir: this.options.dataDir,
    });
  }

  /** The support report of the last diagnosis (run now if there is none), redacted, for the user to read first. */
  private async report(): Promise<{ text: string; fileName: string }> {
    if (this.session.troubleshootView().ranAt === null) await this.session.runDiagnosis();
    const last = this.session.lastDiagnosis();
    if (last === null) throw new SessionError('invalid-state', 'the diagnosis did not run');
    const state = this.state();
    const spec = this.session.hostSpec;
    const at = new Date();
    const text = buildReport({
      locale: this.settingsValue.locale ?? 'en',
      generatedAt: at.toISOString(),
      version: this.options.version,
      host: spec,
      diagnosis: last.diagnosis,
      outputs: last.outputs,
      steps: stepsFromState(state),
      audit: this.audit.recent(REPORT_AUDIT_ENTRIES),
      redaction: redactionHints(spec),
    });
    return { text, fileName: `egpu-wizard-report-${at.toISOString().slice(0, 10)}.md` };
  }

  private readonly handlers: Handlers = {
    'app:info': async () => ({
      name: 'eGPU Wizard',
      version: this.options.version,
      mode: this.options.mode,
      platform: process.platform,
    }),
    'wizard:state': async () => this.state(),
    'host:select': async ({ spec }) => {
      if (this.session.busy) throw new SessionError('busy', 'checks are running');
      if (isSshSpec(spec)) {
        // Only a host that answers with a trusted key replaces the current one.
        const probe = await this.sshHost(spec, (host) => probeSsh(host));
        if (probe.status !== 'ok') throw new SessionError('invalid-state', `${spec}: ${probe.status === 'unknown-key' ? 'host key not accepted yet' : (probe.problem?.key ?? 'failed')}`);
      }
      await this.session.settled();
      // The user is choosing now: the answer says straight away whether this host will do.
      await this.openSession(spec, { waitForHostCheck: true });
      return this.state();
    },
    'ssh:probe': async ({ spec }): Promise<SshProbe> => this.sshHost(spec, (host) => probeSsh(host)),
    'ssh:trust': async ({ spec, fingerprint }): Promise<SshProbe> => this.sshHost(spec, (host) => trustAndProbe(host, fingerprint)),
    'wizard:runChecks': async ({ stepId }) => {
      await this.session.runChecks(stepId);
      return this.state();
    },
    'wizard:setChecklistItem': async ({ stepId, itemId, done }) => {
      await this.session.setChecklistItem(stepId, itemId, done);
      return this.state();
    },
    'wizard:setInput': async ({ stepId, inputId, value }) => {
      await this.session.setInput(stepId, inputId, value);
      return this.state();
    },
    'wizard:goTo': async ({ stepId }) => {
      await this.session.goTo(stepId);
      return this.state();
    },
    'wizard:next': async ({ stepId, continueAnyway }) => {
      await this.session.next(stepId, continueAnyway);
      return this.state();
    },
    'wizard:showSummary': async () => {
      await this.session.showSummary();
      return this.state();
    },
    'wizard:summary': async () => this.summary(),
    'wizard:runAction': async ({ stepId, actionId }) => {
      await this.session.runAction(stepId, actionId);
      return this.state();
    },
    'wizard:cancel': async () => ({ cancelled: this.session.cancel() }),
    'auth:providePassword': async ({ password }) => {
      const accepted = await this.session.providePassword(password);
      // With the password in hand, the privileges check can now pass: run the current step's checks again.
      // (Not while a detached job is followed: the password was for stopping it; the checks follow its end.)
      if (accepted && !this.session.busy) await this.session.runChecks(this.session.currentView().id);
      return this.state();
    },
    'auth:forgetPassword': async () => {
      this.session.forgetPassword();
      return this.state();
    },
    'changes:list': async () => this.undoChanges.preview(),
    'changes:undo': async ({ scope }) => this.undoChanges.undo(scope ?? 'all'),
    'changes:guest': async ({ action }) => this.undoChanges.guest(action),
    'changes:restart': async () => {
      await this.undoChanges.restart();
      return this.state();
    },
    'troubleshoot:run': async () => {
      await this.session.runDiagnosis();
      return this.state();
    },
    'troubleshoot:applyFix': async ({ findingKey, fixId }) => {
      await this.session.applyFix(findingKey, fixId);
      return this.state();
    },
    'troubleshoot:restart': async () => {
      await this.session.restartForFixes();
      return this.state();
    },
    'report:build': async () => this.report(),
    'log:recent': async ({ limit }) => ({ entries: this.audit.recent(limit) }),
    'settings:get': async () => ({ locale: this.settingsValue.locale }),
    'settings:setLocale': async ({ locale }: { locale: Locale }) => {
      this.settingsValue = { version: 1, locale };
      await this.settings.save(this.settingsValue);
      return { locale };
    },
  };

  private readonly undoChanges = new UndoChanges(
    () => this.session,
    () => this.applier(),
    () => rm(guestAccessFiles(this.options.dataDir).knownHostsFile, { force: true }),
  );

  private applier(): PlanApplier {
    return new PlanApplier(this.session.runner, journalFile(this.options.dataDir));
  }

  /** The single entry point for untrusted input. Never throws; every refusal is a typed error. */
  async dispatch(channel: unknown, payload: unknown): Promise<Envelope> {
    if (!isChannelName(channel)) return failure({ code: 'unknown-channel', message: `unknown channel ${describeChannel(channel)}` });
    const request = channels[channel].request.safeParse(payload);
    if (!request.success) {
      return failure({
        code: 'invalid-payload',
        message: `invalid payload for ${channel}`,
        issues: request.error.issues.slice(0, 10).map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`),
      });
    }
    try {
      const handler = this.handlers[channel] as (r: unknown) => Promise<unknown>;
      const response = await handler(request.data);
      // Our own answers are checked too: a bug here must not reach the renderer as a malformed value.
      const checked = channels[channel].response.safeParse(response);
      if (!checked.success) return failure({ code: 'internal', message: `response of ${channel} failed validation` });
      return { ok: true, data: checked.data };
    } catch (error) {
      if (error instanceof SessionError) return failure({ code: error.code, message: error.message });
      if (error instanceof UnknownHostError) return failure({ code: 'invalid-state', message: error.message });
      return failure({ code: 'internal', message: error instanceof Error ? error.message : String(error) });
    }
  }

  async close(): Promise<void> {
    this.hostCheckStop?.abort();
    await this.hostChecked;
    // Checks stop; a detached job goes on on the host and is followed again when the wizard reopens.
    this.session.letGo();
    this.session.cancel();
    await this.session.settled();
    await this.closeHost();
    await this.audit.flush();
  }
}

const failure = (error: ContractError): Envelope => ({ ok: false, error });

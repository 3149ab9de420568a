import { z } from 'zod';
import { channelNameList, contractErrorCodeList, eventNameList } from './names';
import { AppInfo, HostSpec, ItemId, Locale, LogEntry, StepId, WizardState } from './state';
import { SshProbe, SshTrustRequest } from './ssh';
import { Summary } from './summary';
import { UndoPreview, UndoScope } from './undo';

const Empty = z.object({}).strict();

/**
 * The whole IPC contract. Main (Electron), preload, the browser-mode server and the renderer all import this
 * one object, so a channel cannot exist on one side only.
 */
export const channels = {
  'app:info': { request: Empty, response: AppInfo },
  'wizard:state': { request: Empty, response: WizardState },
  'host:select': { request: z.object({ spec: HostSpec }).strict(), response: WizardState },
  /** Connects to an `ssh://` host once; an unknown host key comes back with its fingerprint, untrusted. */
  'ssh:probe': { request: z.object({ spec: HostSpec }).strict(), response: SshProbe },
  /** Trusts the key with exactly this fingerprint (after the user compared it), then connects again. */
  'ssh:trust': { request: SshTrustRequest, response: SshProbe },
  'wizard:runChecks': { request: z.object({ stepId: StepId }).strict(), response: WizardState },
  'wizard:setChecklistItem': {
    request: z.object({ stepId: StepId, itemId: ItemId, done: z.boolean() }).strict(),
    response: WizardState,
  },
  'wizard:setInput': {
    request: z.object({ stepId: StepId, inputId: ItemId, value: z.number().finite() }).strict(),
    response: WizardState,
  },
  'wizard:goTo': { request: z.object({ stepId: StepId }).strict(), response: WizardState },
  'wizard:next': {
    request: z.object({ stepId: StepId, continueAnyway: z.boolean() }).strict(),
    response: WizardState,
  },
  /** Back to the summary from a step, once the wizard is finished. */
  'wizard:showSummary': { request: Empty, response: WizardState },
  /** The finished wizard's summary: what was set up, the files changed, the figures, and how to use the card. */
  'wizard:summary': { request: Empty, response: Summary },
  'wizard:runAction': {
    // `confirmed` must be literally true: the renderer sends it only from the confirmation dialog.
    request: z.object({ stepId: StepId, actionId: ItemId, confirmed: z.literal(true) }).strict(),
    response: WizardState,
  },
  'wizard:cancel': { request: Empty, response: z.object({ cancelled: z.number().int().nonnegative() }).strict() },
  'auth:providePassword': {
    request: z.object({ password: z.string().min(1).max(1024) }).strict(),
    response: WizardState,
  },
  'auth:forgetPassword': { request: Empty, response: WizardState },
  'changes:list': { request: Empty, response: UndoPreview },
  /**
   * Undoes the wizard's file changes, newest first: all of them, or (`passthrough`) those from the card's
   * reservation on, which takes the passthrough route back and leaves the driver set up as before it.
   */
  'changes:undo': {
    request: z.object({ confirmed: z.literal(true), scope: UndoScope.optional() }).strict(),
    response: z
      .object({
        restored: z.array(z.string()),
        skipped: z.array(z.object({ path: z.string(), reason: z.string() }).strict()),
        /** A boot file went back: it takes effect after a restart, which `changes:restart` then does. */
        restartOffered: z.boolean(),
      })
      .strict(),
  },
  /** Stops the passthrough guest (it holds the card), or deletes the stopped guest and its disk, for undo. */
  'changes:guest': { request: z.object({ action: z.enum(['stop', 'destroy']), confirmed: z.literal(true) }).strict(), response: UndoPreview },
  /** The restart an undo of boot files offered. */
  'changes:restart': { request: z.object({ confirmed: z.literal(true) }).strict(), response: WizardState },
  /** Runs the whole diagnosis (read-only commands) for the Troubleshoot screen. */
  'troubleshoot:run': { request: Empty, response: WizardState },
  /** Writes the change a plan fix of the last diagnosis showed; `confirmed` only from its confirmation dialog. */
  'troubleshoot:applyFix': {
    request: z.object({ findingKey: z.string().regex(/^[a-z][a-z0-9-]{0,60}$/), fixId: ItemId, confirmed: z.literal(true) }).strict(),
    response: WizardState,
  },
  /** Restarts the host so written fixes take effect. */
  'troubleshoot:restart': { request: z.object({ confirmed: z.literal(true) }).strict(), response: WizardState },
  /** The support report as it would be saved, for the user to read first. */
  'report:build': {
    request: Empty,
    response: z.object({ text: z.string().max(5_000_000), fileName: z.string().regex(/^[A-Za-z0-9._-]{1,100}$/) }).strict(),
  },
  'log:recent': {
    request: z.object({ limit: z.number().int().min(1).max(1000) }).strict(),
    response: z.object({ entries: z.array(LogEntry) }).strict(),
  },
  'settings:get': { request: Empty, response: z.object({ locale: Locale.nullable() }).strict() },
  'settings:setLocale': {
    request: z.object({ locale: Locale }).strict(),
    response: z.object({ locale: Locale.nullable() }).strict(),
  },
} as const;

export type Channels = typeof channels;
export type ChannelName = keyof Channels;

// Both directions, so a channel added on one side only does not compile.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const channelListsMatch: Same<ChannelName, (typeof channelNameList)[number]> = true;
const eventListsMatch: Same<keyof typeof events, (typeof eventNameList)[number]> = true;
void channelListsMatch;
void eventListsMatch;
export type RequestOf<C extends ChannelName> = z.infer<Channels[C]['request']>;
export type ResponseOf<C extends ChannelName> = z.infer<Channels[C]['response']>;

export const channelNames = Object.keys(channels) as ChannelName[];
export const isChannelName = (name: unknown): name is ChannelName =>
  typeof name === 'string' && Object.prototype.hasOwnProperty.call(channels, name);

/** Events pushed from the backend to the renderer. */
export const events = {
  'state:changed': WizardState,
  'log:entry': LogEntry,
  'log:line': z
    .object({ runId: z.string(), commandId: z.string(), stream: z.enum(['stdout', 'stderr']), line: z.string() })
    .strict(),
} as const;
export type EventName = keyof typeof events;
export type EventOf<E extends EventName> = z.infer<(typeof events)[E]>;
export const eventNames = Object.keys(events) as EventName[];

export const ContractErrorCode = z.enum(contractErrorCodeList);
export type ContractErrorCode = z.infer<typeof ContractErrorCode>;

export const ContractError = z
  .object({ code: ContractErrorCode, message: z.string(), issues: z.array(z.string()).optional() })
  .strict();
export type ContractError = z.infer<typeof ContractError>;

/** Every reply, over IPC or HTTP, is this envelope; the renderer never sees a thrown exception's internals. */
export const Envelope = z.union([
  z.object({ ok: z.literal(true), data: z.unknown() }).strict(),
  z.object({ ok: z.literal(false), error: ContractError }).strict(),
]);
export type Envelope<T = unknown> = { ok: true; data: T } | { ok: false; error: ContractError };

import { z } from 'zod';
import { Message } from './messages';
import { FileChange } from './plan';
import { TroubleshootView } from './troubleshoot';
import { SSH_SPEC_PATTERN } from './ssh-spec';

export const StepId = z.string().regex(/^[a-z][a-z0-9-]{0,40}$/);
export const ItemId = z.string().regex(/^[a-z][a-z0-9-]{0,60}$/);
export const Locale = z.enum(['en', 'zh-CN']);
export type Locale = z.infer<typeof Locale>;

/** `local`, `sim:NAME` or `ssh://user@host[:port]`. */
export const HostSpec = z
  .string()
  .max(200)
  .regex(new RegExp(`^(local|sim:[a-z0-9][a-z0-9-]{0,40}|${SSH_SPEC_PATTERN})$`), 'host must be "local", "sim:NAME" or "ssh://user@host[:port]"');
export type HostSpec = z.infer<typeof HostSpec>;

export const EvidenceLine = z.object({ n: z.number().int().nonnegative(), text: z.string().max(4000) }).strict();

/** What a verdict rests on: the command that ran and the output lines that decided it. */
export const Evidence = z
  .object({
    commandId: z.string(),
    argv: z.array(z.string()),
    privileged: z.boolean(),
    exitCode: z.number().int().nullable(),
    lines: z.array(EvidenceLine),
    note: Message.optional(),
  })
  .strict();
export type Evidence = z.infer<typeof Evidence>;

export const CheckStatus = z.enum(['pending', 'running', 'pass', 'warn', 'fail', 'skip', 'error']);
export type CheckStatus = z.infer<typeof CheckStatus>;

/** A measured or computed figure shown as a number and a bar against its limit (link speed, load time…). */
export const Figure = z
  .object({
    label: Message,
    value: z.number().nonnegative(),
    /** What the hardware allows at best; null where there is no meaningful bound to draw. */
    limit: z.number().nonnegative().nullable(),
    unit: z.enum(['s', 'MB/s', 'tokens/s']),
  })
  .strict();
export type Figure = z.infer<typeof Figure>;

/**
 * A catalogue command a check proposes for a fix (e.g. which packages to install), stored with the result so
 * the action runs exactly what was shown; the catalogue validates the arguments again when it runs.
 */
export const ProposedCommand = z
  .object({ command: z.string().regex(/^[a-zA-Z]{1,40}$/), args: z.record(z.string(), z.unknown()) })
  .strict();
export type ProposedCommand = z.infer<typeof ProposedCommand>;

export const CheckResult = z
  .object({
    status: CheckStatus,
    reason: Message.nullable(),
    advice: z.array(Message),
    evidence: z.array(Evidence),
    figures: z.array(Figure).default([]),
    /** File changes this check proposes; an action of the step applies them. */
    plan: z.array(FileChange).default([]),
    /** Commands this check proposes; an action of the step runs them. */
    commands: z.array(ProposedCommand).default([]),
    ranAt: z.string().nullable(),
  })
  .strict();
export type CheckResult = z.infer<typeof CheckResult>;

export const CheckView = CheckResult.extend({
  id: ItemId,
  title: Message,
  /** Ids of the Troubleshoot findings that explain a failure of this check. */
  explainedBy: z.array(z.string().regex(/^[a-z][a-z0-9-]{0,40}$/)),
}).strict();
export type CheckView = z.infer<typeof CheckView>;

export const ChecklistItemView = z.object({ id: ItemId, label: Message, done: z.boolean() }).strict();

export const ActionRun = z
  .object({
    /** `interrupted`: its detached job was lost with the host (restarted, crashed) before it could end. */
    status: z.enum(['ok', 'failed', 'interrupted']),
    at: z.string(),
    exitCode: z.number().int().nullable(),
    /** Why it failed, in words the user can act on, when the output says. */
    problem: Message.nullable().default(null),
  })
  .strict();
export type ActionRun = z.infer<typeof ActionRun>;

/** A fix, with the exact commands it will run, so the user sees them before confirming. */
export const ActionView = z
  .object({
    id: ItemId,
    title: Message,
    description: Message,
    after: Message,
    commands: z.array(
      z
        .object({
          argv: z.array(z.string()),
          privileged: z.boolean(),
          /**
           * A long command runs detached: what really starts on the host is this daemon(8) line with the
           * wizard's job wrapper around `argv` (the job folder is named when it starts).
           */
          detached: z.object({ argv: z.array(z.string()) }).strict().optional(),
        })
        .strict(),
    ),
    /** For an action that changes files: each file's diff and the reasons, shown before it runs. */
    files: z.array(z.object({ path: z.string(), diff: z.string(), reasons: z.array(Message) }).strict()),
    offered: z.boolean(),
    lastRun: ActionRun.nullable(),
    running: z.boolean(),
    /** While it runs: how far its current command has got, when that command says. */
    progress: z.object({ done: z.number().int().nonnegative(), total: z.number().int().positive(), label: z.string().max(300) }).strict().nullable(),
    /** When its long command was started on the host, where it runs on without the wizard (src/detached). */
    detachedSince: z.string().nullable().default(null),
  })
  .strict();
export type ActionView = z.infer<typeof ActionView>;

export const StepStatus = z.enum(['todo', 'current', 'pass', 'warn', 'fail', 'done', 'locked']);
export type StepStatus = z.infer<typeof StepStatus>;

export const StepSummary = z
  .object({
    id: StepId,
    title: Message,
    status: StepStatus,
    visitable: z.boolean(),
    /** Finished with Next (or Finish), whatever the step list shows it as now, even while it is open. */
    completed: z.boolean(),
  })
  .strict();

export const StepView = z
  .object({
    id: StepId,
    title: Message,
    intro: Message,
    instructions: z.array(Message),
    illustration: z.string().nullable(),
    checklist: z.array(ChecklistItemView),
    checks: z.array(CheckView),
    actions: z.array(ActionView),
    inputs: z.array(
      z
        .object({
          id: ItemId,
          label: Message,
          unit: z.string(),
          min: z.number(),
          max: z.number(),
          step: z.number(),
          value: z.number(),
          /**
           * A choice between named options instead of a free number: each with when it fits, and why it cannot
           * be chosen now (from the evidence), or null.
           */
          choices: z
            .array(
              z
                .object({
                  value: z.number(),
                  label: Message,
                  hint: Message.nullable().default(null),
                  unavailable: Message.nullable().default(null),
                  recommended: z.boolean().default(false),
                })
                .strict(),
            )
            .optional(),
        })
        .strict(),
    ),
    canContinue: z.boolean(),
    canContinueAnyway: z.boolean(),
    blockedBy: Message.nullable(),
    continuedAnyway: z.boolean(),
    isLast: z.boolean(),
  })
  .strict();
export type StepView = z.infer<typeof StepView>;

export const PrivilegeView = z
  .object({
    method: z.enum(['unknown', 'root', 'sudo', 'doas', 'none']),
    needsPassword: z.boolean(),
    passwordHeld: z.boolean(),
  })
  .strict();

export const HostChoice = z.object({ spec: HostSpec, label: Message, description: Message }).strict();

export const WizardState = z
  .object({
    host: z.object({ spec: HostSpec, label: Message, simulated: z.boolean() }).strict(),
    hostChoices: z.array(HostChoice),
    /** Set when the app runs somewhere it cannot help directly (not FreeBSD): the UI opens the host picker. */
    hostPickerReason: Message.nullable(),
    steps: z.array(StepSummary),
    current: StepView,
    privilege: PrivilegeView,
    notices: z.array(Message),
    busy: z.boolean(),
    troubleshoot: TroubleshootView,
    /** Set once Finish was pressed on the last step (and kept for this host): when. */
    finished: z.object({ at: z.string() }).strict().nullable(),
    /** What the middle of the window shows: the current step, or the summary once the wizard is finished. */
    showing: z.enum(['step', 'summary']),
  })
  .strict();
export type WizardState = z.infer<typeof WizardState>;

export const LogEntry = z
  .object({
    id: z.string(),
    at: z.string(),
    host: z.string(),
    commandId: z.string(),
    argv: z.array(z.string()),
    privileged: z.boolean(),
    exitCode: z.number().int().nullable(),
    durationMs: z.number().nonnegative(),
    /** `interrupted`: a detached job the host lost without a status (a restart, a crash; src/detached/liveness.ts). */
    outcome: z.enum(['ok', 'failed', 'timeout', 'cancelled', 'not-found', 'refused', 'connection-lost', 'interrupted']),
    stdout: z.string(),
    stderr: z.string(),
    truncated: z.boolean(),
  })
  .strict();
export type LogEntry = z.infer<typeof LogEntry>;

/** Also logged: decisions the user made that matter later ("continue anyway"). */
export const AppInfo = z
  .object({ name: z.string(), version: z.string(), mode: z.enum(['electron', 'browser']), platform: z.string() })
  .strict();
export type AppInfo = z.infer<typeof AppInfo>;

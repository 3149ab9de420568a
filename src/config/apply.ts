import { createHash, randomUUID } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { describeCommand, type CommandRunner } from '../commands/runner';
import { invoke, type Invocation } from '../wizard/step';
import type { JsonFile } from '../storage/json-file';
import type { ChangeOrigin, Journal, JournalEntry } from './journal';
import { RemovableWhenCreated, type FileChange, type ManagedPath } from './plan';
import { unifiedDiff } from './unified-diff';

export type ApplyOutcome =
  | { status: 'applied'; paths: ManagedPath[] }
  /**
   * `path` was not changed (it changed since the plan was made, or a step failed before the rename); the
   * files of the plan applied before it were put back (`rolledBack`), so the plan is all or nothing.
   */
  | { status: 'not-applied'; path: ManagedPath; reason: string; rolledBack: ManagedPath[] }
  /** The rename happened but the file did not read back as planned; it and the earlier ones were put back. */
  | { status: 'restored'; path: ManagedPath; reason: string; rolledBack: ManagedPath[] };

type Failed = { status: 'not-applied' | 'restored'; path: ManagedPath; reason: string };

const sha = (text: string | null): string => (text === null ? 'none' : createHash('sha256').update(text).digest('hex'));

class StepFailed extends Error {}

type FileMeta = { owner: string; group: string; mode: string };

/** The commands that put `content` in place of `path`, in order. The preview and the applier both use this list. */
export function replacementSteps(path: ManagedPath, content: string, meta: FileMeta): { invocation: Invocation<unknown>; what: string }[] {
  return [
    { invocation: invoke('stageManaged', { path, content }), what: 'staging' },
    { invocation: invoke('ownStaged', { path, owner: meta.owner, group: meta.group }), what: 'setting the owner' },
    { invocation: invoke('modeStaged', { path, mode: meta.mode }), what: 'setting the mode' },
    { invocation: invoke('commitStaged', { path }), what: 'renaming into place' },
  ];
}

/** The exact argv applying one file change runs, for showing before it runs. */
export const replacementCommands = (change: FileChange): { argv: string[]; privileged: boolean }[] =>
  replacementSteps(change.path, change.after, change.meta).map((step) => describeCommand(step.invocation.command, step.invocation.args));

/**
 * Replaces managed files one by one. Each file: check it still holds what the plan was made from, record
 * the original in the journal, stage the new text beside it, copy owner and mode, rename over the original
 * (atomic), read it back. A crash at any point leaves the old file or the new one, never a mix: only the
 * rename touches the original.
 */
export class PlanApplier {
  constructor(
    private readonly runner: CommandRunner,
    private readonly journal: JsonFile<typeof Journal>,
    private readonly signal?: AbortSignal,
  ) {}

  private async must<T>(run: Promise<{ outcome: string; parsed: { ok: true; value: T } | { ok: false; error: { message: string } } }>, what: string): Promise<T> {
    const result = await run;
    // A parser may read a non-zero exit as an answer (cat of a file that does not exist yet: null content).
    if ((result.outcome !== 'ok' && result.outcome !== 'failed') || !result.parsed.ok) {
      throw new StepFailed(`${what}: ${result.parsed.ok ? result.outcome : result.parsed.error.message}`);
    }
    return result.parsed.value;
  }

  private async record(update: (journal: Journal) => void): Promise<void> {
    const loaded = await this.journal.load();
    const journal: Journal = loaded.status === 'loaded' ? loaded.value : { version: 1, entries: [] };
    update(journal);
    await this.journal.save(journal);
  }

  private async writeBackup(at: string, path: ManagedPath, content: string): Promise<void> {
    const dir = join(dirname(this.journal.path), 'backups');
    await mkdir(dir, { recursive: true });
    await writeFile(join(dir, `${at.replace(/[:.]/g, '-')}${path.replace(/\//g, '_')}`), content, { mode: 0o600, flag: 'wx' });
  }

  private options() {
    return this.signal ? { signal: this.signal } : {};
  }

  /** Writes `content` to `path` through a staged copy with the given ownership; returns what reads back. */
  private async replace(path: ManagedPath, content: string, meta: FileMeta): Promise<string | null> {
    for (const step of replacementSteps(path, content, meta)) {
      // Built by `invoke`, which checked the arguments' type; the runner validates them again.
      await this.must(this.runner.run(step.invocation.command, step.invocation.args as never, this.options()), step.what);
    }
    return (await this.must(this.runner.run('readManaged', { path }, this.options()), 'reading back')).content;
  }

  /** `origin`: the step action applying it, so undo can later take back one route's changes and no more. */
  async apply(changes: readonly FileChange[], origin?: ChangeOrigin): Promise<ApplyOutcome> {
    // An earlier plan cut off halfway is put back first, so two plans never mix on the host.
    await this.recover();
    const done: { change: FileChange; setState: (state: JournalEntry['state']) => Promise<void> }[] = [];
    const batch = randomUUID();
    for (const change of changes) {
      const result = await this.applyOne(change, batch, origin);
      if ('failed' in result) {
        const rolledBack: ManagedPath[] = [];
        for (const earlier of [...done].reverse()) {
          await this.putBack(earlier.change.path, earlier.change.before, earlier.change.meta, earlier.setState, 'rolled back');
          rolledBack.push(earlier.change.path);
        }
        return { ...result.failed, rolledBack };
      }
      done.push({ change, setState: result.setState });
    }
    return { status: 'applied', paths: done.map((d) => d.change.path) };
  }

  private async applyOne(
    change: FileChange,
    batch: string,
    origin: ChangeOrigin | undefined,
  ): Promise<{ failed: Failed } | { setState: (state: JournalEntry['state']) => Promise<void> }> {
    const { path } = change;
    let current: string | null;
    try {
      current = (await this.must(this.runner.run('readManaged', { path }, this.options()), 'reading')).content;
    } catch (error) {
      return { failed: { status: 'not-applied', path, reason: String(error instanceof Error ? error.message : error) } };
    }
    if (sha(current) !== sha(change.before)) {
      return { failed: { status: 'not-applied', path, reason: 'the file changed since the plan was made; make the plan again' } };
    }
    // The owner and mode shown in the plan are the ones used; if they changed meanwhile, stop.
    const meta = change.meta;
    if (current !== null) {
      const now = await this.must(this.runner.run('statManaged', { path }, this.options()), 'reading owner and mode').catch(() => null);
      if (!now || now.owner !== meta.owner || now.group !== meta.group || now.mode !== meta.mode) {
        return { failed: { status: 'not-applied', path, reason: 'the owner or mode differ from the plan; make the plan again' } };
      }
    }
    const id = randomUUID();
    const entry: JournalEntry = { id, at: new Date().toISOString(), host: this.runner.hostSpec, path, before: current, after: change.after, ...meta, state: 'applying', batch, ...(origin ? { origin } : {}) };
    // The backup is on disk before anything on the host changes: in the journal, and as a plain file
    // beside it that a person can copy back by hand.
    await this.record((j) => j.entries.push(entry));
    if (current !== null) await this.writeBackup(entry.at, path, current);
    const setState = (state: JournalEntry['state']) =>
      this.record((j) => {
        const found = j.entries.find((e) => e.id === id);
        if (found) found.state = state;
      });
    let readBack: string | null;
    try {
      readBack = await this.replace(path, change.after, meta);
    } catch (error) {
      await this.runner.run('discardStaged', { path });
      const reason = error instanceof Error ? error.message : String(error);
      const now = (await this.runner.run('readManaged', { path })).parsed;
      const unchanged = now.ok && sha(now.value.content) === sha(current);
      if (unchanged) {
        await setState('failed');
        return { failed: { status: 'not-applied', path, reason } };
      }
      return { failed: await this.putBack(path, current, meta, setState, reason) };
    }
    if (readBack !== change.after) {
      return { failed: await this.putBack(path, current, meta, setState, 'the file did not read back as written') };
    }
    await setState('applied');
    return { setState };
  }

  private async putBack(
    path: ManagedPath,
    original: string | null,
    meta: { owner: string; group: string; mode: string },
    setState: (state: JournalEntry['state']) => Promise<void>,
    reason: string,
  ): Promise<Failed> {
    if (original !== null) await this.replace(path, original, meta);
    await setState('restored');
    return { status: 'restored', path, reason };
  }

  /**
   * Finishes what an interrupted apply left behind (the app closed, the machine lost power, the SSH
   * connection dropped while the original was being put back): every file of that plan goes back to its
   * original, so nothing stays half-applied. A file that holds neither the original nor the new text was
   * edited since and is left alone; one that cannot be read now is tried again next time.
   */
  async recover(): Promise<{ rolledBack: ManagedPath[]; leftAlone: { path: ManagedPath; reason: string }[]; waiting: boolean }> {
    const loaded = await this.journal.load();
    if (loaded.status !== 'loaded') return { rolledBack: [], leftAlone: [], waiting: false };
    const mine = loaded.value.entries.filter((e) => e.host === this.runner.hostSpec);
    const interrupted = mine.filter((e) => e.state === 'applying');
    const batches = new Set(interrupted.flatMap((e) => (e.batch === undefined ? [] : [e.batch])));
    const todo = mine.filter((e) => e.state === 'applying' || (e.state === 'applied' && e.batch !== undefined && batches.has(e.batch))).reverse();
    const rolledBack: ManagedPath[] = [];
    const leftAlone: { path: ManagedPath; reason: string }[] = [];
    const setState = (id: string, state: JournalEntry['state']) =>
      this.record((j) => {
        const found = j.entries.find((e) => e.id === id);
        if (found) found.state = state;
      });
    for (const entry of todo) {
      // `rm -f` fails only without root (no password yet) or without the host: leave it all for the next try.
      const discard = await this.runner.run('discardStaged', { path: entry.path }, this.options());
      if (discard.outcome !== 'ok') return { rolledBack, leftAlone, waiting: true };
      const now = (await this.runner.run('readManaged', { path: entry.path }, this.options())).parsed;
      if (!now.ok) {
        leftAlone.push({ path: entry.path, reason: now.error.message });
        continue;
      }
      if (sha(now.value.content) === sha(entry.before)) {
        await setState(entry.id, entry.state === 'applying' ? 'failed' : 'restored');
        continue;
      }
      if (sha(now.value.content) !== sha(entry.after) || entry.before === null) {
        leftAlone.push({ path: entry.path, reason: entry.before === null ? 'created-by-wizard' : 'changed-since' });
        await setState(entry.id, 'failed');
        continue;
      }
      try {
        const back = await this.replace(entry.path, entry.before, entry);
        if (back !== entry.before) throw new StepFailed('did not read back');
      } catch (error) {
        leftAlone.push({ path: entry.path, reason: error instanceof Error ? error.message : String(error) });
        continue;
      }
      await setState(entry.id, 'restored');
      rolledBack.push(entry.path);
    }
    return { rolledBack, leftAlone, waiting: false };
  }

  /**
   * The changes undo would revert, newest first, each with the diff that reverting shows; `removes`: the file
   * is deleted, not rewritten (the wizard created it and it may go).
   */
  async applied(): Promise<{ id: string; path: ManagedPath; at: string; undoDiff: string; removes: boolean; origin?: ChangeOrigin }[]> {
    return (await this.appliedEntries()).map((e) => ({
      id: e.id,
      path: e.path,
      at: e.at,
      undoDiff: unifiedDiff(e.path, e.after, e.before ?? ''),
      removes: removable(e),
      ...(e.origin ? { origin: e.origin } : {}),
    }));
  }

  /** This host's applied entries, newest first. */
  private async appliedEntries(): Promise<JournalEntry[]> {
    const loaded = await this.journal.load();
    if (loaded.status !== 'loaded') return [];
    return loaded.value.entries.filter((e) => e.state === 'applied' && e.host === this.runner.hostSpec).reverse();
  }

  /**
   * Puts back every applied file, newest first. A file edited by hand since (`changed-since`) or created by
   * the wizard (`created-by-wizard`) is left alone and reported; any other reason is what went wrong.
   */
  async undoAll(options: { through?: string } = {}): Promise<{ restored: ManagedPath[]; skipped: { path: ManagedPath; reason: string }[] }> {
    let entries = await this.appliedEntries();
    if (options.through !== undefined) {
      // Newest first down to that change: each file goes back through its own history in order.
      const last = entries.findIndex((e) => e.id === options.through);
      if (last < 0) throw new StepFailed(`no applied change ${options.through}`);
      entries = entries.slice(0, last + 1);
    }
    const restored: ManagedPath[] = [];
    const skipped: { path: ManagedPath; reason: string }[] = [];
    for (const entry of entries) {
      const now = (await this.runner.run('readManaged', { path: entry.path }, this.options())).parsed;
      if (!now.ok || sha(now.value.content) !== sha(entry.after)) {
        skipped.push({ path: entry.path, reason: 'changed-since' });
        continue;
      }
      if (entry.before === null && !removable(entry)) {
        skipped.push({ path: entry.path, reason: 'created-by-wizard' });
        continue;
      }
      try {
        if (entry.before === null) {
          await this.remove(entry.path);
        } else {
          const back = await this.replace(entry.path, entry.before, entry);
          if (back !== entry.before) throw new StepFailed('did not read back');
        }
      } catch (error) {
        skipped.push({ path: entry.path, reason: error instanceof Error ? error.message : String(error) });
        continue;
      }
      await this.record((j) => {
        const found = j.entries.find((e) => e.id === entry.id);
        if (found) found.state = 'restored';
      });
      restored.push(entry.path);
    }
    return { restored, skipped };
  }

  /** Deletes a file the wizard created, then makes sure it is gone. */
  private async remove(path: ManagedPath): Promise<void> {
    const allowed = RemovableWhenCreated.parse(path);
    await this.must(this.runner.run('removeCreated', { path: allowed }, this.options()), 'removing');
    const now = await this.must(this.runner.run('readManaged', { path }, this.options()), 'reading back');
    if (now.content !== null) throw new StepFailed('still there after removing it');
  }
}

/** A file the wizard created that undo deletes rather than leaves (RemovableWhenCreated). */
const removable = (entry: JournalEntry): boolean => entry.before === null && RemovableWhenCreated.safeParse(entry.path).success;

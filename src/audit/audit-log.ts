import { appendFile, mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { LogEntry } from '../contract/state';

/** What is kept of each stream in the file; the parsers saw everything, the log is for people. */
const MAX_LOGGED_STREAM_CHARS = 64 * 1024;
const RECENT_ENTRIES = 1000;

const clip = (text: string): { text: string; clipped: boolean } =>
  text.length > MAX_LOGGED_STREAM_CHARS
    ? { text: `${text.slice(0, MAX_LOGGED_STREAM_CHARS)}\n… [clipped]`, clipped: true }
    : { text, clipped: false };

/**
 * Append-only record of every command the wizard ran (JSON lines), plus the recent entries in memory for the
 * UI's command log. Writes are serialised so lines never interleave.
 */
export class AuditLog {
  private readonly recentEntries: LogEntry[] = [];
  private readonly listeners = new Set<(entry: LogEntry) => void>();
  private writing: Promise<void> = Promise.resolve();
  private writeFailed = false;

  constructor(private readonly file: string | null) {}

  record(entry: LogEntry): LogEntry {
    const out = clip(entry.stdout);
    const err = clip(entry.stderr);
    const stored: LogEntry = {
      ...entry,
      stdout: out.text,
      stderr: err.text,
      truncated: entry.truncated || out.clipped || err.clipped,
    };
    this.recentEntries.push(stored);
    if (this.recentEntries.length > RECENT_ENTRIES) this.recentEntries.shift();
    const file = this.file;
    if (file) {
      this.writing = this.writing
        .then(async () => {
          await mkdir(dirname(file), { recursive: true });
          await appendFile(file, `${JSON.stringify(stored)}\n`, { encoding: 'utf8', mode: 0o600 });
        })
        .catch(() => {
          // A full disk must not stop the wizard; the in-memory log still shows everything.
          this.writeFailed = true;
        });
    }
    for (const listener of this.listeners) listener(stored);
    return stored;
  }

  recent(limit: number): LogEntry[] {
    return this.recentEntries.slice(-limit);
  }

  onEntry(listener: (entry: LogEntry) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Resolves once everything recorded so far is on disk (or has failed to be). */
  async flush(): Promise<{ writeFailed: boolean }> {
    await this.writing;
    return { writeFailed: this.writeFailed };
  }
}

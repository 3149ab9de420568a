import type { EventOf } from '../../../src/contract/channels';
import type { LogEntry } from '../../../src/contract/state';
import { toBridgeError, type Bridge, type BridgeError } from './bridge';

export interface StreamedLine {
  readonly seq: number;
  readonly stream: 'stdout' | 'stderr';
  readonly text: string;
}

/** A command that is running now, with the lines it has printed so far. */
export interface RunningCommand {
  readonly runId: string;
  readonly commandId: string;
  readonly lines: readonly StreamedLine[];
  /** Lines dropped from the front to keep the panel light. */
  readonly dropped: number;
}

const MAX_ENTRIES = 500;
const MAX_LINES_PER_RUN = 300;

const newestFirst = (a: LogEntry, b: LogEntry) => Date.parse(b.at) - Date.parse(a.at);

/** The command log panel's data: recent entries (newest first) and commands still running. */
export class CommandLog {
  entries = $state.raw<LogEntry[]>([]);
  running = $state.raw<RunningCommand[]>([]);
  status = $state<'idle' | 'loading' | 'ready' | 'error'>('idle');
  error = $state.raw<BridgeError | null>(null);
  private seq = 0;
  /** Entries that arrive while `log:recent` is on its way, merged in when it answers. */
  private arrivedWhileLoading: LogEntry[] = [];

  async load(bridge: Bridge): Promise<void> {
    this.status = 'loading';
    this.error = null;
    this.arrivedWhileLoading = [];
    try {
      const { entries } = await bridge.invoke('log:recent', { limit: 200 });
      this.entries = merge(entries, this.arrivedWhileLoading);
      this.status = 'ready';
    } catch (error) {
      this.error = toBridgeError(error, 'log:recent');
      this.status = 'error';
    } finally {
      this.arrivedWhileLoading = [];
    }
  }

  addEntry(entry: LogEntry): void {
    // The run is over: its streamed lines give way to the finished entry.
    const index = this.running.findIndex((r) => r.runId === entry.id);
    const fallback = index >= 0 ? index : this.running.findIndex((r) => r.commandId === entry.commandId);
    if (fallback >= 0) this.running = this.running.filter((_, i) => i !== fallback);
    if (this.status === 'loading') this.arrivedWhileLoading.push(entry);
    else if (this.status === 'ready') this.entries = merge(this.entries, [entry]);
  }

  addLine(event: EventOf<'log:line'>): void {
    const line: StreamedLine = { seq: this.seq++, stream: event.stream, text: event.line };
    const existing = this.running.find((r) => r.runId === event.runId);
    if (!existing) {
      this.running = [...this.running, { runId: event.runId, commandId: event.commandId, lines: [line], dropped: 0 }];
      return;
    }
    const over = Math.max(0, existing.lines.length + 1 - MAX_LINES_PER_RUN);
    const updated: RunningCommand = {
      ...existing,
      lines: [...existing.lines.slice(over), line],
      dropped: existing.dropped + over,
    };
    this.running = this.running.map((r) => (r === existing ? updated : r));
  }

  /** Nothing runs any more (the backend is no longer busy): forget streams whose entry never came. */
  clearRunning(): void {
    if (this.running.length > 0) this.running = [];
  }
}

function merge(base: readonly LogEntry[], extra: readonly LogEntry[]): LogEntry[] {
  const byId = new Map<string, LogEntry>();
  for (const entry of [...base, ...extra]) byId.set(entry.id, entry);
  return [...byId.values()].sort(newestFirst).slice(0, MAX_ENTRIES);
}

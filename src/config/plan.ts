import type { Message } from '../contract/messages';
import type { FileChange, ManagedPath } from '../contract/plan';
import { unifiedDiff } from './unified-diff';

export { FileChange, ManagedPath, Plan, RemovableWhenCreated } from '../contract/plan';

/** A file change with its diff; null when the edit changes nothing (applying it again is a no-op). */
export function fileChange(
  path: ManagedPath,
  before: string | null,
  after: string,
  reasons: Message[],
  meta: FileChange['meta'] = NEW_FILE_META,
): FileChange | null {
  if (before === after) return null;
  return { path, before, after, diff: unifiedDiff(path, before, after), reasons, meta };
}

/** System configuration files are root's, readable by all. */
export const NEW_FILE_META: FileChange['meta'] = { owner: 'root', group: 'wheel', mode: '644' };

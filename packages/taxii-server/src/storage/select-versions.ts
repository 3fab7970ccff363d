import type { VersionSelector } from './taxii-storage';

/**
 * Whether `record` is picked by the version selector among `siblings` (all stored
 * versions of the same id that passed the spec-version filter). Used by the memory
 * storage; the SQL storages express the same rule in SQL.
 */
export function versionSelected(
  record: { versionKey: string },
  siblings: readonly { versionKey: string }[],
  selector: VersionSelector,
): boolean {
  if (selector.all) return true;
  if (selector.keys.includes(record.versionKey)) return true;
  if (selector.last && !siblings.some((s) => s.versionKey > record.versionKey)) return true;
  if (selector.first && !siblings.some((s) => s.versionKey < record.versionKey)) return true;
  return false;
}

/** The next `added` value: now in µs, but always past the last one so order is strict. */
export function nextAdded(last: number, nowMs: number): number {
  const now = nowMs * 1000;
  return now > last ? now : last + 1;
}

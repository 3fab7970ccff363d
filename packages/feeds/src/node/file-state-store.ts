import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { PollStateStore } from '../poller/poller';

/**
 * A {@link PollStateStore} that keeps each source's state (poll cursors, ETags, MISP
 * manifest timestamps) as a JSON file in a directory. Writes go to a temporary file and
 * are renamed into place, so a crash never leaves a half-written cursor.
 *
 * @example
 * ```ts
 * import { FileStateStore } from '@intelshare/feeds/node';
 *
 * const store = new FileStateStore('./state');
 * await store.set('urlhaus', { etag: '"abc"' });
 * console.log(await store.get('urlhaus')); // { etag: '"abc"' }
 * ```
 */
export class FileStateStore implements PollStateStore {
  readonly #dir: string;

  /** @param dir - The directory (created when missing). */
  constructor(dir: string) {
    this.#dir = dir;
  }

  /**
   * Reads a source's state.
   *
   * @returns The state, or `undefined` when none was stored.
   */
  async get(sourceId: string): Promise<unknown> {
    try {
      return JSON.parse(await readFile(this.#file(sourceId), 'utf8'));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
  }

  /** Stores a source's state atomically. */
  async set(sourceId: string, state: unknown): Promise<void> {
    await mkdir(this.#dir, { recursive: true });
    const file = this.#file(sourceId);
    const temp = `${file}.${process.pid}.${Date.now()}.tmp`;
    await writeFile(temp, JSON.stringify(state));
    await rename(temp, file);
  }

  #file(sourceId: string): string {
    // Source ids become file names: keep them to a safe alphabet so no id escapes the directory.
    if (!/^[A-Za-z0-9._-]{1,128}$/.test(sourceId) || sourceId.startsWith('.'))
      throw new TypeError('`sourceId` must be 1–128 characters of A–Z, a–z, 0–9, `.`, `_` or `-`.');
    return join(this.#dir, `${sourceId}.json`);
  }
}

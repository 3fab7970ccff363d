import { describe, expect, it } from 'vitest';
import {
  AsyncAuditLog,
  type AsyncAuditStore,
  type AuditEntry,
  AuditLog,
  asyncAuditStore,
  MemoryAuditStore,
  verifyAuditChain,
  verifyAuditChainAsync,
} from '../src/index';

function record(i: number) {
  return {
    time: `2026-03-01T00:00:${String(i % 60).padStart(2, '0')}.000Z`,
    actor: `actor-${i}`,
    recipient: 'identity--03e23f6c-0ac9-4b47-9c84-f718132adb21',
    agreement: { id: 'demo', version: '1' },
    inputHash: 'a'.repeat(64),
    outputHash: 'b'.repeat(64),
    counts: { share: i, 'share-redacted': 0, withhold: 0 },
    decisions: [] as [string, string, string[]][],
  };
}

/** A store that counts the pages read, to show verification streams. */
function countingStore(inner: AsyncAuditStore): AsyncAuditStore & { pages: number[] } {
  const pages: number[] = [];
  return {
    pages,
    appendNext: (next) => inner.appendNext(next),
    last: () => inner.last(),
    async page(fromSeq, limit) {
      const page = await inner.page(fromSeq, limit);
      pages.push(page.length);
      return page;
    },
  };
}

describe('AsyncAuditLog', () => {
  it('writes the same chain as AuditLog, entry for entry', async () => {
    const sync = new AuditLog();
    const log = new AsyncAuditLog(asyncAuditStore(new MemoryAuditStore()));
    for (let i = 0; i < 5; i++) {
      sync.append(record(i));
      await log.append(record(i));
    }
    const entries: AuditEntry[] = [];
    for await (const entry of log.entries()) entries.push(entry);
    expect(entries).toEqual(sync.entries());
    expect(await log.head()).toBe(sync.head());
    expect(verifyAuditChain(entries).valid).toBe(true);
  });

  it('verifies page by page and names the first broken entry', async () => {
    const memory = new MemoryAuditStore();
    const store = countingStore(asyncAuditStore(memory));
    const log = new AsyncAuditLog(store, { pageSize: 4 });
    for (let i = 0; i < 10; i++) await log.append(record(i));
    expect(await log.verify()).toEqual({ valid: true, checked: 10 });
    expect(store.pages).toEqual([4, 4, 2]);

    (memory.entries()[6] as AuditEntry).actor = 'someone else';
    store.pages.length = 0;
    const result = await log.verify();
    expect(result).toMatchObject({ valid: false, brokenAt: 6, checked: 7 });
    expect(result.problem).toBe('entry 6 was changed after it was written');
    // It stopped at the broken entry: the third page was never read.
    expect(store.pages).toEqual([4, 4]);
  });

  it('detects entries cut off the end with expectedHead', async () => {
    const log = new AsyncAuditLog(asyncAuditStore(new MemoryAuditStore()));
    await log.append(record(0));
    const head = await log.head();
    expect((await log.verify({ expectedHead: head })).valid).toBe(true);
    expect(await verifyAuditChainAsync([], { expectedHead: head })).toMatchObject({
      valid: false,
      brokenAt: 0,
    });
  });

  it('copies the record at append time', async () => {
    const log = new AsyncAuditLog(asyncAuditStore(new MemoryAuditStore()));
    const input = record(1);
    const written = log.append(input);
    input.actor = 'changed afterwards';
    expect((await written).actor).toBe('actor-1');
    expect((await log.verify()).valid).toBe(true);
  });

  it('refuses a page size that is not a positive integer', () => {
    expect(
      () => new AsyncAuditLog(asyncAuditStore(new MemoryAuditStore()), { pageSize: 0 }),
    ).toThrow(/pageSize/);
  });
});

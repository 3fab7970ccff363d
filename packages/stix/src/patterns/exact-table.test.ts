import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type ExactKey, ExactTable } from './exact-table';

describe('ExactTable', () => {
  it('stores, finds, replaces and deletes keys of every literal kind', () => {
    const table = new ExactTable<string>();
    table.set('198.51.100.1', 'ip').set(42, 'int').set(4.5, 'float').set(true, 'yes');
    expect(table.get('198.51.100.1')).toBe('ip');
    expect(table.get(42)).toBe('int');
    expect(table.get(4.5)).toBe('float');
    expect(table.get(true)).toBe('yes');
    expect(table.get(false)).toBeUndefined();
    // Strings and numbers are different keys, as in a Map.
    expect(table.get('42')).toBeUndefined();
    table.set(42, 'int2');
    expect(table.get(42)).toBe('int2');
    expect(table.size).toBe(4);
    expect(table.delete(42)).toBe(true);
    expect(table.delete(42)).toBe(false);
    expect(table.get(42)).toBeUndefined();
    expect(table.size).toBe(3);
  });

  it('treats -0 and 0 as one key, as a Map does', () => {
    const table = new ExactTable<string>();
    table.set(-0, 'zero');
    expect(table.get(0)).toBe('zero');
  });

  it('grows past many thousands of keys and keeps every one', () => {
    const table = new ExactTable<number>();
    for (let i = 0; i < 50_000; i++) table.set(`host${i}.example`, i);
    expect(table.size).toBe(50_000);
    for (let i = 0; i < 50_000; i += 997) expect(table.get(`host${i}.example`)).toBe(i);
    expect(table.get('host50000.example')).toBeUndefined();
  });

  it('keeps every other key findable after deletions inside long probe runs', () => {
    // A hash with few distinct values makes long runs, the case backward-shift deletion must get right.
    const table = new ExactTable<number>({ hash: (key) => (Number(key) % 3) * 5 });
    for (let i = 0; i < 12; i++) table.set(i, i);
    for (const gone of [0, 4, 7]) table.delete(gone);
    for (let i = 0; i < 12; i++) expect(table.get(i)).toBe([0, 4, 7].includes(i) ? undefined : i);
    expect([...table.entries()].length).toBe(9);
  });

  it('falls back to a Map when every key collides, and still answers correctly', () => {
    // Collisions that survive every re-seed: what a hash-flooding attacker would need.
    const table = new ExactTable<number>({ hash: () => 7 });
    for (let i = 0; i < 600; i++) table.set(`k${i}`, i);
    expect(table.degraded).toBe(true);
    expect(table.size).toBe(600);
    for (let i = 0; i < 600; i++) expect(table.get(`k${i}`)).toBe(i);
    expect(table.delete('k5')).toBe(true);
    expect(table.get('k5')).toBeUndefined();
    expect(table.size).toBe(599);
  });

  it('behaves as a Map under any sequence of set, delete and get', () => {
    const key = fc.oneof(
      fc.string({ maxLength: 6 }),
      fc.integer({ min: -50, max: 50 }),
      fc.constantFrom(0.5, -0, true, false),
    );
    const op = fc.tuple(fc.constantFrom('set', 'delete', 'get'), key, fc.integer());
    fc.assert(
      fc.property(fc.array(op, { maxLength: 300 }), fc.boolean(), (ops, weakHash) => {
        const table = new ExactTable<number>(weakHash ? { hash: (k) => String(k).length % 4 } : {});
        const model = new Map<ExactKey, number>();
        for (const [kind, k, v] of ops) {
          if (kind === 'set') {
            table.set(k, v);
            model.set(k, v);
          } else if (kind === 'delete') {
            expect(table.delete(k)).toBe(model.delete(k));
          } else {
            expect(table.get(k)).toBe(model.get(k));
          }
          expect(table.size).toBe(model.size);
        }
        for (const [k, v] of model) expect(table.get(k)).toBe(v);
      }),
      { numRuns: 300 },
    );
  });
});

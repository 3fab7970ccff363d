import { isIntelshareError } from '@intelshare/stix';
import { describe, expect, it } from 'vitest';
import {
  AUDIT_GENESIS_HASH,
  type AuditEntry,
  AuditLog,
  type AuditStore,
  assertAuditChain,
  contentHash,
  verifyAuditChain,
} from '../src/index';

function record(n: number) {
  return {
    time: `2026-03-0${(n % 9) + 1}T00:00:00.000Z`,
    actor: 'analyst@vendor',
    recipient: 'identity--03e23f6c-0ac9-4b47-9c84-f718132adb21',
    agreement: { id: 'demo', version: '1' },
    inputHash: contentHash(`in${n}`),
    outputHash: contentHash(`out${n}`),
    counts: { share: n, 'share-redacted': 1, withhold: 2 },
    decisions: [[`indicator--00000000-0000-4000-8000-00000000000${n}`, 'share', ['tlp']]] as [
      string,
      string,
      string[],
    ][],
  };
}

function log(n: number): AuditEntry[] {
  const audit = new AuditLog();
  for (let i = 0; i < n; i++) audit.append(record(i));
  return audit.entries().map((e) => structuredClone(e));
}

describe('AuditLog', () => {
  it('chains entries with SHA-256 over canonical JSON', () => {
    const entries = log(3);
    expect(entries[0]?.prevHash).toBe(AUDIT_GENESIS_HASH);
    expect(entries[1]?.prevHash).toBe(entries[0]?.hash);
    expect(entries.map((e) => e.seq)).toEqual([0, 1, 2]);
    const { hash, ...body } = entries[0]!;
    expect(hash).toBe(contentHash(body));
    expect(verifyAuditChain(entries)).toEqual({ valid: true, checked: 3 });
  });

  it('detects any edited field', () => {
    const edits: ((e: AuditEntry) => void)[] = [
      (e) => {
        e.actor = 'someone-else';
      },
      (e) => {
        e.counts.withhold = 0;
      },
      (e) => {
        e.decisions[0]![1] = 'withhold';
      },
      (e) => {
        e.agreement.version = '2';
      },
      (e) => {
        e.outputHash = contentHash('forged');
      },
      (e) => {
        e.time = '2020-01-01T00:00:00.000Z';
      },
    ];
    for (const edit of edits) {
      const entries = log(3);
      edit(entries[1]!);
      expect(verifyAuditChain(entries)).toMatchObject({
        valid: false,
        brokenAt: 1,
        problem: 'entry 1 was changed after it was written',
      });
    }
  });

  it('detects re-hashed edits, deletions, reordering and (with a head) truncation', () => {
    const entries = log(4);
    const forged = structuredClone(entries);
    forged[1]!.actor = 'x';
    const { hash: _h, ...body } = forged[1]!;
    forged[1]!.hash = contentHash(body);
    expect(verifyAuditChain(forged)).toMatchObject({ valid: false, brokenAt: 2 });
    expect(verifyAuditChain([entries[0]!, entries[2]!, entries[3]!])).toMatchObject({
      valid: false,
      brokenAt: 1,
    });
    expect(verifyAuditChain([entries[1]!, entries[0]!])).toMatchObject({
      valid: false,
      brokenAt: 0,
    });
    const head = entries[3]!.hash;
    expect(verifyAuditChain(entries.slice(0, 3), { expectedHead: head }).valid).toBe(false);
    expect(verifyAuditChain(entries, { expectedHead: head }).valid).toBe(true);
    try {
      assertAuditChain([entries[1]!]);
      expect.unreachable();
    } catch (error) {
      expect(isIntelshareError(error) && error.code).toBe('AUDIT_TAMPERED');
    }
  });

  it('uses a pluggable store', () => {
    const written: AuditEntry[] = [];
    const store: AuditStore = {
      append: (entry) => written.push(JSON.parse(JSON.stringify(entry))),
      last: () => written.at(-1),
      entries: () => written,
    };
    const audit = new AuditLog(store);
    audit.append(record(1));
    audit.append(record(2));
    expect(written).toHaveLength(2);
    expect(audit.head()).toBe(written[1]?.hash);
    expect(verifyAuditChain(written).valid).toBe(true);
  });
});

import { canonicalize, IntelshareError } from '@intelshare/stix';
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex } from '@noble/hashes/utils.js';

const encoder = new TextEncoder();

/** The hash before the first entry. */
export const AUDIT_GENESIS_HASH = '0'.repeat(64);

/** What one projection looked like, as recorded in the audit log. */
export interface AuditRecord {
  /** When the projection was made (ISO 8601). */
  time: string;
  /** Who made it (a user, service or identity id). */
  actor: string;
  /** The recipient's identity id. */
  recipient: string;
  /** The agreement and the version applied. */
  agreement: { id: string; version: string };
  /** SHA-256 (hex) of the canonical JSON (RFC 8785) of the input objects. */
  inputHash: string;
  /** SHA-256 (hex) of the canonical JSON of the bundle sent. */
  outputHash: string;
  /** Counts of decisions by action. */
  counts: { share: number; 'share-redacted': number; withhold: number };
  /** Every decision, as `[object id, action, rules applied]`. */
  decisions: [string, string, string[]][];
}

/** One entry of the hash chain. */
export interface AuditEntry extends AuditRecord {
  /** 0-based position in the log. */
  seq: number;
  /** The `hash` of the previous entry ({@link AUDIT_GENESIS_HASH} for the first). */
  prevHash: string;
  /** SHA-256 (hex) of the canonical JSON of every other field of this entry. */
  hash: string;
}

/**
 * Where audit entries are kept. The default keeps them in memory; a server can persist
 * them (SQLite, a file, a table) by implementing these three methods. `append` must
 * never overwrite an entry.
 */
export interface AuditStore {
  append(entry: AuditEntry): void;
  last(): AuditEntry | undefined;
  entries(): readonly AuditEntry[];
}

/**
 * An in-memory {@link AuditStore}: an array that only grows.
 *
 * @example
 * ```ts
 * import { AuditLog, MemoryAuditStore } from '@intelshare/policy';
 *
 * const log = new AuditLog(new MemoryAuditStore());
 * log.entries().length; // 0
 * ```
 */
export class MemoryAuditStore implements AuditStore {
  readonly #entries: AuditEntry[] = [];

  append(entry: AuditEntry): void {
    this.#entries.push(entry);
  }

  last(): AuditEntry | undefined {
    return this.#entries.at(-1);
  }

  entries(): readonly AuditEntry[] {
    return this.#entries;
  }
}

/**
 * Hashes text or canonical JSON with SHA-256.
 *
 * @param value - A string (hashed as UTF-8) or any JSON value (hashed as its RFC 8785 canonical form).
 * @returns The lower-case hex digest.
 *
 * @example
 * ```ts
 * import { contentHash } from '@intelshare/policy';
 *
 * contentHash({ b: 1, a: 2 }) === contentHash({ a: 2, b: 1 }); // true
 * ```
 */
export function contentHash(value: unknown): string {
  const text = typeof value === 'string' ? value : canonicalize(value);
  return bytesToHex(sha256(encoder.encode(text)));
}

function entryHash(entry: Omit<AuditEntry, 'hash'>): string {
  return contentHash({ ...entry, hash: undefined });
}

/**
 * Builds the entry that follows `last` in a chain: the record (copied), its `seq`, the
 * `prevHash` linking it to `last`, and its own `hash`. {@link AuditLog} and
 * `AsyncAuditLog` both chain entries with it, so their chains verify the same way.
 *
 * @param record - What happened.
 * @param last - The chain's last entry, or `undefined` for an empty chain.
 * @returns The next entry.
 *
 * @example
 * ```ts
 * import { chainAuditEntry } from '@intelshare/policy';
 *
 * const first = chainAuditEntry({
 *   time: '2026-03-01T00:00:00.000Z', actor: 'analyst@vendor', recipient: 'identity--03e23f6c-0ac9-4b47-9c84-f718132adb21',
 *   agreement: { id: 'demo', version: '1' }, inputHash: 'a'.repeat(64), outputHash: 'b'.repeat(64),
 *   counts: { share: 1, 'share-redacted': 0, withhold: 0 }, decisions: [],
 * }, undefined);
 * first.seq; // 0
 * ```
 */
export function chainAuditEntry(record: AuditRecord, last: AuditEntry | undefined): AuditEntry {
  const body: Omit<AuditEntry, 'hash'> = {
    ...structuredClone(record),
    seq: last ? last.seq + 1 : 0,
    prevHash: last ? last.hash : AUDIT_GENESIS_HASH,
  };
  return { ...body, hash: entryHash(body) };
}

/**
 * An append-only, hash-chained log of projections: each entry's hash covers its content
 * and the previous entry's hash, so changing, removing or reordering any entry breaks
 * the chain ({@link verifyAuditChain}).
 *
 * @example
 * ```ts
 * import { AuditLog, verifyAuditChain } from '@intelshare/policy';
 *
 * const log = new AuditLog();
 * log.append({
 *   time: '2026-03-01T00:00:00.000Z', actor: 'analyst@vendor', recipient: 'identity--03e23f6c-0ac9-4b47-9c84-f718132adb21',
 *   agreement: { id: 'demo', version: '1' }, inputHash: 'a'.repeat(64), outputHash: 'b'.repeat(64),
 *   counts: { share: 1, 'share-redacted': 0, withhold: 0 }, decisions: [['indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f', 'share', ['tlp']]],
 * });
 * verifyAuditChain(log.entries()).valid; // true
 * ```
 * @see /policy/concepts/
 */
export class AuditLog {
  readonly #store: AuditStore;

  /** @param store - Where entries are kept (default: in memory). */
  constructor(store: AuditStore = new MemoryAuditStore()) {
    this.#store = store;
  }

  /**
   * Appends a record, chaining it to the last entry.
   *
   * @param record - What happened.
   * @returns The entry written, with its `seq`, `prevHash` and `hash`.
   */
  append(record: AuditRecord): AuditEntry {
    const entry = chainAuditEntry(record, this.#store.last());
    this.#store.append(entry);
    return entry;
  }

  /** @returns Every entry, oldest first. */
  entries(): readonly AuditEntry[] {
    return this.#store.entries();
  }

  /** @returns The hash of the last entry (publish it to detect truncation later). */
  head(): string {
    return this.#store.last()?.hash ?? AUDIT_GENESIS_HASH;
  }
}

/** The outcome of {@link verifyAuditChain}. */
export interface AuditVerification {
  /** `true` when every entry is intact and chained. */
  valid: boolean;
  /** How many entries were checked. */
  checked: number;
  /** The first entry found broken, when not valid. */
  brokenAt?: number;
  /** What is wrong, in words. */
  problem?: string;
}

/**
 * Checks a hash chain: every entry's hash matches its content, each links to the one
 * before, and sequence numbers run without gaps. Pass `expectedHead` (a head hash kept
 * elsewhere) to also detect entries cut off the end.
 *
 * @param entries - The entries, oldest first.
 * @param options - `expectedHead`: the hash the last entry must have.
 * @returns Whether the chain is intact, and where it breaks.
 *
 * @example
 * ```ts
 * import { AuditLog, verifyAuditChain } from '@intelshare/policy';
 *
 * verifyAuditChain(new AuditLog().entries()); // { valid: true, checked: 0 }
 * ```
 */
export function verifyAuditChain(
  entries: readonly unknown[],
  options: { expectedHead?: string } = {},
): AuditVerification {
  const chain = new AuditChainChecker();
  for (const entry of entries) {
    const broken = chain.check(entry);
    if (broken) return broken;
  }
  return chain.finish(options.expectedHead);
}

/**
 * Checks a chain one entry at a time, so a log read in pages (see `verifyAuditChainAsync`)
 * is verified without holding it all. Used by {@link verifyAuditChain}.
 * @internal
 */
export class AuditChainChecker {
  #prev = AUDIT_GENESIS_HASH;
  #index = 0;

  /** @returns the verification failure this entry causes, or `undefined` when it is intact. */
  check(value: unknown): AuditVerification | undefined {
    const index = this.#index++;
    const entry = value as AuditEntry;
    const broken = (problem: string): AuditVerification => ({
      valid: false,
      checked: index + 1,
      brokenAt: index,
      problem,
    });
    if (typeof entry !== 'object' || entry === null)
      return broken(`entry ${index} is not an object`);
    if (entry.seq !== index)
      return broken(`entry ${index} has sequence number ${String(entry.seq)}`);
    if (entry.prevHash !== this.#prev)
      return broken(`entry ${index} does not link to the entry before it`);
    let actual: string;
    try {
      const { hash: _hash, ...body } = entry;
      actual = entryHash(body);
    } catch {
      return broken(`entry ${index} is not valid JSON content`);
    }
    if (actual !== entry.hash) return broken(`entry ${index} was changed after it was written`);
    this.#prev = entry.hash;
    return undefined;
  }

  /** @returns the verification of every entry checked, against `expectedHead` when given. */
  finish(expectedHead?: string): AuditVerification {
    if (expectedHead !== undefined && this.#prev !== expectedHead) {
      return {
        valid: false,
        checked: this.#index,
        brokenAt: this.#index,
        problem: 'the log does not end at the expected head (entries removed from the end?)',
      };
    }
    return { valid: true, checked: this.#index };
  }
}

/**
 * Like {@link verifyAuditChain}, but throws when the chain is broken.
 *
 * @param entries - The entries, oldest first.
 * @param options - `expectedHead`: the hash the last entry must have.
 * @throws {IntelshareError} `AUDIT_TAMPERED` naming the first broken entry.
 *
 * @example
 * ```ts
 * import { AuditLog, assertAuditChain } from '@intelshare/policy';
 *
 * assertAuditChain(new AuditLog().entries());
 * ```
 */
export function assertAuditChain(
  entries: readonly unknown[],
  options: { expectedHead?: string } = {},
): void {
  const result = verifyAuditChain(entries, options);
  if (!result.valid) {
    throw new IntelshareError('AUDIT_TAMPERED', `The audit log is broken: ${result.problem}.`, {
      path: `entries[${result.brokenAt}]`,
    });
  }
}

/** A key the exact-match table holds: the literal of an `=` / `IN` comparison. */
export type ExactKey = string | number | boolean;

/** Longest probe sequence an insert accepts before the table re-seeds its hash. */
const MAX_PROBE = 256;
/** Re-seeds tried before the table gives up hashing and falls back to a `Map`. */
const MAX_RESEEDS = 4;
const EMPTY = 0;

const scratch = new Float64Array(1);
const scratchWords = new Int32Array(scratch.buffer);

function randomSeed(): number {
  const word = new Uint32Array(1);
  globalThis.crypto.getRandomValues(word);
  return word[0]! | 0;
}

/**
 * An open-addressing hash table from pattern literals to index buckets, built for the
 * hot path of {@link IndicatorIndex}: a million keys, and an observation stream that
 * almost always misses.
 *
 * Why not a `Map`: a `Map` miss compares the probed string with the keys in its bucket
 * chain, and each of those keys is a separate heap object, so a miss in a table of a
 * million indicators costs several cache and TLB misses. Here a probe reads 32-bit hash
 * fingerprints from one typed array and touches a key only when its fingerprint
 * matches, so a miss usually costs one memory access. Measured by the
 * `patterns-index` bench: about twice the observations per second of a `Map` at 1M
 * indicators.
 *
 * The hash is seeded at random per table, so feed content cannot be chosen to collide
 * on purpose; if an insert still probes too far, the table re-seeds, and after
 * {@link MAX_RESEEDS} tries it falls back to a `Map` (slower, never wrong).
 *
 * Keys compare as a `Map` compares them (SameValueZero for the literals patterns carry).
 *
 * @internal
 */
export class ExactTable<V> {
  private fingerprints: Int32Array;
  private keys: (ExactKey | undefined)[];
  private values: (V | undefined)[];
  private mask: number;
  private seed: number;
  private reseeds = 0;
  private fallback: Map<ExactKey, V> | undefined;
  private readonly hashFn: ((key: ExactKey, seed: number) => number) | undefined;
  /** How many keys the table holds. */
  size = 0;

  /** @param options - `hash` replaces the hash function (tests use it to force collisions). */
  constructor(options: { hash?: (key: ExactKey, seed: number) => number } = {}) {
    this.hashFn = options.hash;
    this.seed = randomSeed();
    this.mask = 15;
    this.fingerprints = new Int32Array(16);
    this.keys = new Array(16).fill(undefined);
    this.values = new Array(16).fill(undefined);
  }

  /** Whether the table gave up hashing (adversarial collisions) and uses a `Map`. */
  get degraded(): boolean {
    return this.fallback !== undefined;
  }

  /** The value stored for `key`, or `undefined`. */
  get(key: ExactKey): V | undefined {
    if (this.fallback) return this.fallback.get(key);
    const h = this.fingerprint(key);
    const fingerprints = this.fingerprints;
    const mask = this.mask;
    for (let i = h & mask; ; i = (i + 1) & mask) {
      const f = fingerprints[i]!;
      if (f === EMPTY) return undefined;
      if (f === h && this.keys[i] === key) return this.values[i];
    }
  }

  /** Stores `value` under `key`, replacing any value there. */
  set(key: ExactKey, value: V): this {
    if (this.fallback) {
      this.fallback.set(key, value);
      this.size = this.fallback.size;
      return this;
    }
    const h = this.fingerprint(key);
    const found = this.slotOf(key, h);
    if (found >= 0) {
      this.values[found] = value;
      return this;
    }
    if ((this.size + 1) * 2 > this.mask + 1) this.rebuild((this.mask + 1) * 2, this.seed);
    if (this.place(h, key, value, MAX_PROBE) < 0) this.recover(key, value);
    return this;
  }

  /** Removes `key`; returns whether it was present. */
  delete(key: ExactKey): boolean {
    if (this.fallback) {
      const removed = this.fallback.delete(key);
      this.size = this.fallback.size;
      return removed;
    }
    let hole = this.slotOf(key, this.fingerprint(key));
    if (hole < 0) return false;
    const { fingerprints, keys, values, mask } = this;
    // Backward-shift deletion: later entries of the same run move into the hole when
    // their home slot lies at or before it, so lookups never need tombstones.
    for (let j = (hole + 1) & mask; fingerprints[j] !== EMPTY; j = (j + 1) & mask) {
      const home = fingerprints[j]! & mask;
      if (((j - home) & mask) >= ((j - hole) & mask)) {
        fingerprints[hole] = fingerprints[j]!;
        keys[hole] = keys[j];
        values[hole] = values[j];
        hole = j;
      }
    }
    fingerprints[hole] = EMPTY;
    keys[hole] = undefined;
    values[hole] = undefined;
    this.size--;
    return true;
  }

  /** Every entry, in no particular order. */
  *entries(): IterableIterator<[ExactKey, V]> {
    if (this.fallback) {
      yield* this.fallback.entries();
      return;
    }
    for (let i = 0; i <= this.mask; i++) {
      if (this.fingerprints[i] !== EMPTY) yield [this.keys[i]!, this.values[i] as V];
    }
  }

  private slotOf(key: ExactKey, h: number): number {
    const mask = this.mask;
    for (let i = h & mask; ; i = (i + 1) & mask) {
      const f = this.fingerprints[i]!;
      if (f === EMPTY) return -1;
      if (f === h && this.keys[i] === key) return i;
    }
  }

  /** Inserts a key known to be absent; `false` when its probe ran past {@link MAX_PROBE}. */
  private insert(key: ExactKey, value: V): boolean {
    return this.place(this.fingerprint(key), key, value, MAX_PROBE) >= 0;
  }

  /** A probe ran too long: re-seed and rebuild, or give up hashing for a `Map`. */
  private recover(key: ExactKey, value: V): void {
    while (this.reseeds < MAX_RESEEDS) {
      this.reseeds++;
      if (this.rebuild(this.mask + 1, randomSeed()) && this.insert(key, value)) return;
    }
    const map = new Map<ExactKey, V>(this.entries());
    map.set(key, value);
    this.fallback = map;
    this.size = map.size;
    this.fingerprints = new Int32Array(0);
    this.keys = [];
    this.values = [];
  }

  /** Re-inserts every entry into a table of `capacity` slots; `false` when a probe ran too long. */
  private rebuild(capacity: number, seed: number): boolean {
    const { fingerprints, keys, values } = this;
    // Growing under the same seed moves stored fingerprints; only a re-seed rehashes.
    const rehash = seed !== this.seed;
    this.seed = seed;
    this.mask = capacity - 1;
    this.fingerprints = new Int32Array(capacity);
    this.keys = new Array(capacity).fill(undefined);
    this.values = new Array(capacity).fill(undefined);
    this.size = 0;
    let ok = true;
    for (let i = 0; i < fingerprints.length; i++) {
      if (fingerprints[i] === EMPTY) continue;
      const key = keys[i]!;
      const h = rehash ? this.fingerprint(key) : fingerprints[i]!;
      // Even when a probe runs too long every entry is kept; the caller re-seeds.
      if (this.place(h, key, values[i] as V, MAX_PROBE) < 0) {
        ok = false;
        this.place(h, key, values[i] as V, Number.POSITIVE_INFINITY);
      }
    }
    return ok;
  }

  /** Puts an absent key in the first free slot of its run; -1 past `maxProbe` slots. */
  private place(h: number, key: ExactKey, value: V, maxProbe: number): number {
    const mask = this.mask;
    let i = h & mask;
    for (let probes = 0; this.fingerprints[i] !== EMPTY; probes++) {
      if (probes >= maxProbe) return -1;
      i = (i + 1) & mask;
    }
    this.fingerprints[i] = h;
    this.keys[i] = key;
    this.values[i] = value;
    this.size++;
    return i;
  }

  /** A non-zero 32-bit hash (zero marks an empty slot). */
  private fingerprint(key: ExactKey): number {
    if (this.hashFn) return this.hashFn(key, this.seed) | 1;
    return hashKey(key, this.seed) | 1;
  }
}

/**
 * Seeded FNV-1a over UTF-16 code units with a final avalanche; numbers hash their
 * IEEE-754 bits (with -0 as 0, as a `Map` treats them), booleans a constant each.
 */
function hashKey(key: ExactKey, seed: number): number {
  let h: number;
  if (typeof key === 'string') {
    h = seed ^ key.length;
    for (let i = 0; i < key.length; i++) h = Math.imul(h ^ key.charCodeAt(i), 0x01000193);
  } else if (typeof key === 'number') {
    scratch[0] = key === 0 ? 0 : key;
    h = Math.imul(seed ^ scratchWords[0]!, 0x01000193);
    h = Math.imul(h ^ scratchWords[1]!, 0x01000193) ^ 0x5bd1e995;
  } else {
    h = seed ^ (key ? 0x2545f491 : 0x7f4a7c15);
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return h ^ (h >>> 16);
}

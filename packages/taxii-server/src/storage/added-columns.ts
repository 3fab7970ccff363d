import type { SlabPlace } from './body-slabs';
import { uninitialisedBytes } from './uninitialised-bytes';

const COMMA = 0x2c;
const INITIAL_CAPACITY = 1024;
const FORGOTTEN = new Uint8Array(0);

/**
 * The fields a page reads of a collection's versions, in `added` order, in typed arrays:
 * `added`, where the body lies (slab, start, end; held only here) and whether other
 * versions of its id are held. A page of consecutive versions then reads adjacent memory, where one heap object
 * per version costs a cache miss or two per version on a large collection (the profile of
 * pages of 100 from a million objects put a third of a page in reading those objects).
 * Kept in step with the collection's list of records: index `i` here is record `i` there.
 */
export class AddedColumns {
  #added = new Float64Array(INITIAL_CAPACITY);
  #slab = new Int32Array(INITIAL_CAPACITY);
  #start = new Int32Array(INITIAL_CAPACITY);
  #end = new Int32Array(INITIAL_CAPACITY);
  /** 1 when other versions of the id are held: the version rule then needs the record. */
  #shared = new Uint8Array(INITIAL_CAPACITY);
  #length = 0;
  /** Every slab a place points into, by number (a forgotten one is left empty). */
  readonly #slabs: Uint8Array[] = [];
  readonly #slabNumbers = new Map<Uint8Array, number>();

  get length(): number {
    return this.#length;
  }

  /** `added` of version `i`. */
  added(i: number): number {
    return this.#added[i]!;
  }

  /** Version `i`'s body: a view of the stored bytes (not a copy). */
  body(i: number): Uint8Array {
    return this.#slabs[this.#slab[i]!]!.subarray(this.#start[i]!, this.#end[i]!);
  }

  /** Whether other versions of version `i`'s id are held. */
  shared(i: number): boolean {
    return this.#shared[i] === 1;
  }

  setShared(i: number, shared: boolean): void {
    this.#shared[i] = shared ? 1 : 0;
  }

  /** Appends a version (its `added` greater than every one held). */
  push(added: number, place: SlabPlace): void {
    if (this.#length === this.#added.length) this.#grow();
    const i = this.#length++;
    this.#added[i] = added;
    this.#shared[i] = 0;
    this.setPlace(i, place);
  }

  /** Where version `i`'s body now lies (after its slab was given up). */
  setPlace(i: number, place: SlabPlace): void {
    let slab = this.#slabNumbers.get(place.slab);
    if (slab === undefined) {
      slab = this.#slabs.length;
      this.#slabs.push(place.slab);
      this.#slabNumbers.set(place.slab, slab);
    }
    this.#slab[i] = slab;
    this.#start[i] = place.start;
    this.#end[i] = place.end;
  }

  /**
   * Forgets slabs that no version lies in any more (their bodies were moved), so they can
   * be freed.
   */
  forgetSlabs(buffers: ReadonlySet<ArrayBufferLike>): void {
    for (let n = 0; n < this.#slabs.length; n++) {
      const slab = this.#slabs[n]!;
      if (!buffers.has(slab.buffer)) continue;
      this.#slabNumbers.delete(slab);
      this.#slabs[n] = FORGOTTEN;
    }
  }

  /** Removes version `i`; later versions move down by one. */
  removeAt(i: number): void {
    for (const column of [this.#added, this.#slab, this.#start, this.#end, this.#shared]) {
      column.copyWithin(i, i + 1, this.#length);
    }
    this.#length--;
  }

  /** The index of the version with this `added`, or -1. */
  indexOf(added: number): number {
    const i = this.upperBound(added - 1);
    return i < this.#length && this.#added[i] === added ? i : -1;
  }

  /** The first index whose `added` is greater than `after`. */
  upperBound(after: number): number {
    const added = this.#added;
    let lo = 0;
    let hi = this.#length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (added[mid]! <= after) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /**
   * `body,body,…` of the versions at `indexes` (ascending), copied into a fresh buffer (a
   * reader of the response may keep or transfer it, which must not touch the stored
   * bytes). Runs of bodies adjacent in a slab (consecutive versions usually are) are
   * copied with one `set`, commas included.
   */
  join(indexes: readonly number[]): Uint8Array {
    const count = indexes.length;
    if (count === 0) return new Uint8Array(0);
    const starts = this.#start;
    const ends = this.#end;
    const slabs = this.#slab;
    let size = count - 1;
    for (let k = 0; k < count; k++) {
      const i = indexes[k]!;
      size += ends[i]! - starts[i]!;
    }
    const out = uninitialisedBytes(size);
    let offset = 0;
    let k = 0;
    while (k < count) {
      const first = indexes[k]!;
      const slab = slabs[first]!;
      let end = ends[first]!;
      let j = k + 1;
      // Extend the run while the next body starts right after this one's comma.
      while (j < count) {
        const next = indexes[j]!;
        if (slabs[next] !== slab || starts[next] !== end + 1) break;
        end = ends[next]!;
        j++;
      }
      if (k > 0) out[offset++] = COMMA;
      out.set(this.#slabs[slab]!.subarray(starts[first]!, end), offset);
      offset += end - starts[first]!;
      k = j;
    }
    // Every byte of `out` is written: the sizes above are exact.
    if (offset !== size) throw new Error('AddedColumns.join: size mismatch.');
    return out;
  }

  #grow(): void {
    const capacity = this.#added.length * 2;
    const grown = <T extends Float64Array | Int32Array | Uint8Array>(
      column: T,
      make: (n: number) => T,
    ): T => {
      const next = make(capacity);
      next.set(column);
      return next;
    };
    this.#added = grown(this.#added, (n) => new Float64Array(n));
    this.#slab = grown(this.#slab, (n) => new Int32Array(n));
    this.#start = grown(this.#start, (n) => new Int32Array(n));
    this.#end = grown(this.#end, (n) => new Int32Array(n));
    this.#shared = grown(this.#shared, (n) => new Uint8Array(n));
  }
}

const encoder = new TextEncoder();
const COMMA = 0x2c;

/** Bytes of one slab; a body longer than that gets a slab of its own size. */
const SLAB_BYTES = 1 << 20;

/** Where a stored body lies: bytes `start` to `end` (exclusive) of `slab`. */
export interface SlabPlace {
  slab: Uint8Array;
  start: number;
  end: number;
}

interface Slab {
  bytes: Uint8Array;
  used: number;
  /** Bytes of bodies still stored (deleted ones are subtracted). */
  live: number;
}

/**
 * Object bodies of one memory collection, encoded once as UTF-8 into large shared buffers,
 * each body followed by a comma, in the order they were stored. Bodies stored one after the
 * other are adjacent, so a page of consecutive objects is already `body,body,…` in one range
 * and a page (`AddedColumns.join`) copies it with one `set` instead of one per object.
 * Few large buffers also spare the garbage collector a backing store per object.
 *
 * A slab whose bodies were mostly deleted is given up: its live bodies move to the current
 * slab, so deleted bytes do not stay held forever.
 */
export class BodySlabs {
  #current: Slab = { bytes: new Uint8Array(0), used: 0, live: 0 };
  readonly #slabOf = new WeakMap<ArrayBufferLike, Slab>();

  /** Encodes `text` into the current slab and returns its bytes (a view, comma not included). */
  add(text: string): Uint8Array {
    let slab = this.#current;
    const room = slab.bytes.subarray(slab.used);
    // encodeInto stops short when the room is too small; a new slab then takes the body.
    let { read, written } = encoder.encodeInto(text, room);
    if (read < text.length || written >= room.length) {
      // UTF-8 takes at most 3 bytes per UTF-16 code unit, plus the comma.
      slab = this.#newSlab(text.length * 3 + 1);
      ({ written } = encoder.encodeInto(text, slab.bytes));
    }
    return this.#claim(slab, written);
  }

  /** Copies stored bytes into the current slab (when their own slab is given up). */
  move(body: Uint8Array): Uint8Array {
    let slab = this.#current;
    if (slab.bytes.byteLength - slab.used < body.byteLength + 1) {
      slab = this.#newSlab(body.byteLength + 1);
    }
    slab.bytes.set(body, slab.used);
    return this.#claim(slab, body.byteLength);
  }

  /**
   * Forgets a deleted body. Returns `true` when its slab is now mostly dead: the caller
   * then {@link BodySlabs.move}s the slab's remaining bodies, and the slab is freed once
   * nothing refers to it.
   */
  remove(body: Uint8Array): boolean {
    const slab = this.#slabOf.get(body.buffer);
    if (!slab) return false;
    slab.live -= body.byteLength + 1;
    return slab !== this.#current && slab.live * 4 < slab.used;
  }

  #newSlab(atLeast: number): Slab {
    const slab = { bytes: new Uint8Array(Math.max(SLAB_BYTES, atLeast)), used: 0, live: 0 };
    this.#slabOf.set(slab.bytes.buffer, slab);
    this.#current = slab;
    return slab;
  }

  /** Takes the `length` bytes written at the slab's end, and the comma after them. */
  #claim(slab: Slab, length: number): Uint8Array {
    const start = slab.used;
    slab.bytes[start + length] = COMMA;
    slab.used += length + 1;
    slab.live += length + 1;
    return slab.bytes.subarray(start, start + length);
  }

  /** Where `body` (returned by {@link BodySlabs.add} or {@link BodySlabs.move}) lies. */
  place(body: Uint8Array): SlabPlace {
    const slab = this.#slabOf.get(body.buffer)!;
    return { slab: slab.bytes, start: body.byteOffset, end: body.byteOffset + body.byteLength };
  }
}

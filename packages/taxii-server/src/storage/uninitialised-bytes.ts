interface NodeBuffer {
  allocUnsafe(size: number): Uint8Array;
}

// Node's Buffer is a Uint8Array; `allocUnsafe` skips zero-filling, which for a page-sized
// buffer costs several times the copy that then fills it (fresh zeroed pages from the
// allocator). Other runtimes get a plain, zeroed Uint8Array.
const nodeBuffer = (globalThis as { Buffer?: NodeBuffer }).Buffer;

/**
 * A byte array of `size` whose contents are undefined: the caller must write every byte
 * before anyone reads it (old memory of this process could show through otherwise).
 */
export function uninitialisedBytes(size: number): Uint8Array {
  return nodeBuffer ? nodeBuffer.allocUnsafe(size) : new Uint8Array(size);
}

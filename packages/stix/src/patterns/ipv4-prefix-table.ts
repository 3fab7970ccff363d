import { ExactTable } from './exact-table';

/** Receives the values a lookup finds (the index's per-observation match run). */
export interface PrefixVisitor<V> {
  consider(value: V): void;
}

/**
 * IPv4 networks by prefix length: one exact table per length that occurs, keyed by the
 * network's leading bits. Finding every network that contains an address costs one
 * probe per distinct prefix length (a handful in real feeds: /32, /24, /16...), instead
 * of one pointer hop per bit down a 32-level trie, each hop a likely cache miss once a
 * feed holds many thousands of blocks.
 *
 * @internal
 */
export class Ipv4PrefixTable<V> {
  private readonly byLength: (ExactTable<V[]> | undefined)[] = new Array(33).fill(undefined);
  /** The prefix lengths that hold at least one network, ascending. */
  private lengths: number[] = [];

  /** Adds `value` under the network `address/prefix` (host bits are ignored). */
  add(address: number, prefix: number, value: V): void {
    let table = this.byLength[prefix];
    if (!table) {
      table = new ExactTable<V[]>();
      this.byLength[prefix] = table;
      this.lengths = [...this.lengths, prefix].sort((a, b) => a - b);
    }
    const key = networkKey(address, prefix);
    const list = table.get(key);
    if (list) list.push(value);
    else table.set(key, [value]);
  }

  /** Removes `value` from the network `address/prefix`; returns whether it was there. */
  remove(address: number, prefix: number, value: V): boolean {
    const table = this.byLength[prefix];
    const key = networkKey(address, prefix);
    const list = table?.get(key);
    const at = list ? list.indexOf(value) : -1;
    if (!table || !list || at < 0) return false;
    list.splice(at, 1);
    if (list.length === 0) table.delete(key);
    if (table.size === 0) {
      this.byLength[prefix] = undefined;
      this.lengths = this.lengths.filter((length) => length !== prefix);
    }
    return true;
  }

  /** Hands `visitor` every value whose network contains `address/prefix` (ISSUBSET). */
  visitContaining(address: number, prefix: number, visitor: PrefixVisitor<V>): void {
    const lengths = this.lengths;
    for (let i = 0; i < lengths.length; i++) {
      const length = lengths[i]!;
      if (length > prefix) return;
      const list = this.byLength[length]!.get(networkKey(address, length));
      if (list) for (let k = 0; k < list.length; k++) visitor.consider(list[k]!);
    }
  }
}

/** The leading `prefix` bits of `address` as an unsigned number. */
function networkKey(address: number, prefix: number): number {
  return prefix === 0 ? 0 : (address >>> 0) >>> (32 - prefix);
}

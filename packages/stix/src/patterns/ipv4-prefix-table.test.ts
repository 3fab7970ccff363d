import { describe, expect, it } from 'vitest';
import { parseIpNetwork } from './cidr';
import { Ipv4PrefixTable } from './ipv4-prefix-table';

function net(text: string): [number, number] {
  const parsed = parseIpNetwork(text);
  if (parsed?.version !== 4) throw new Error(`not an IPv4 network: ${text}`);
  return [parsed.words[0]!, parsed.prefix];
}

function containing(table: Ipv4PrefixTable<string>, text: string): string[] {
  const found: string[] = [];
  table.visitContaining(...net(text), { consider: (value) => found.push(value) });
  return found.sort();
}

describe('Ipv4PrefixTable', () => {
  const table = new Ipv4PrefixTable<string>();
  for (const block of ['0.0.0.0/0', '10.0.0.0/8', '10.1.0.0/16', '10.1.2.0/24', '10.1.2.3/32'])
    table.add(...net(block), block);
  // Host bits in a block are ignored, as ISSUBSET compares the prefix only.
  table.add(...net('192.0.2.77/24'), 'doc');

  it('finds every block that contains an address, from /0 to /32', () => {
    expect(containing(table, '10.1.2.3')).toEqual([
      '0.0.0.0/0',
      '10.0.0.0/8',
      '10.1.0.0/16',
      '10.1.2.0/24',
      '10.1.2.3/32',
    ]);
    expect(containing(table, '10.9.9.9')).toEqual(['0.0.0.0/0', '10.0.0.0/8']);
    expect(containing(table, '192.0.2.1')).toEqual(['0.0.0.0/0', 'doc']);
    expect(containing(table, '255.255.255.255')).toEqual(['0.0.0.0/0']);
  });

  it('finds only the blocks a whole observed network fits in', () => {
    expect(containing(table, '10.1.0.0/16')).toEqual(['0.0.0.0/0', '10.0.0.0/8', '10.1.0.0/16']);
    expect(containing(table, '10.0.0.0/7')).toEqual(['0.0.0.0/0']);
  });

  it('removes one value at a time and forgets empty prefix lengths', () => {
    const local = new Ipv4PrefixTable<string>();
    local.add(...net('10.0.0.0/8'), 'a');
    local.add(...net('10.0.0.0/8'), 'b');
    expect(local.remove(...net('10.0.0.0/8'), 'a')).toBe(true);
    expect(local.remove(...net('10.0.0.0/8'), 'a')).toBe(false);
    expect(containing(local, '10.2.3.4')).toEqual(['b']);
    expect(local.remove(...net('10.0.0.0/8'), 'b')).toBe(true);
    expect(containing(local, '10.2.3.4')).toEqual([]);
    expect(local.remove(...net('11.0.0.0/8'), 'b')).toBe(false);
  });
});

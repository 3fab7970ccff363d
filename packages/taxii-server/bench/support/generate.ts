// Generated STIX objects for the server benchmarks: 9 indicators (TLP:GREEN-marked, one
// IPv4 pattern each) to 1 malware, ids derived from the sequence number so any n is cheap.
import type { NewObject } from '../../src/index';
import { versionKey } from '../../src/time/timestamps';

/** The `n`th generated object as the handler would hand it to a storage. */
export function generatedObject(n: number): NewObject {
  const malware = n % 10 === 9;
  const id = `${malware ? 'malware' : 'indicator'}--${(n >>> 16).toString(16).padStart(8, '0')}-0000-4000-8000-${n.toString(16).padStart(12, '0')}`;
  const body = malware
    ? {
        type: 'malware',
        spec_version: '2.1',
        id,
        created: '2024-02-01T00:00:00.000Z',
        modified: '2024-02-01T00:00:00.000Z',
        name: `Malware family ${n}`,
        is_family: true,
        malware_types: ['ransomware'],
      }
    : {
        type: 'indicator',
        spec_version: '2.1',
        id,
        created: '2024-01-01T00:00:00.000Z',
        modified: '2024-01-01T00:00:00.000Z',
        name: `C2 address ${n}`,
        indicator_types: ['malicious-activity'],
        pattern: `[ipv4-addr:value = '10.${(n >> 16) & 255}.${(n >> 8) & 255}.${n & 255}']`,
        pattern_type: 'stix',
        valid_from: '2024-01-01T00:00:00Z',
        object_marking_refs: ['marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb'],
      };
  return {
    id,
    type: body.type,
    specVersion: '2.1',
    version: body.modified,
    versionKey: versionKey(body.modified)!,
    body: JSON.stringify(body),
  };
}

/** Percentiles of a list of milliseconds (sorted in place), rounded to µs. */
export function percentiles(times: number[]): { p50Ms: number; p99Ms: number } {
  times.sort((a, b) => a - b);
  const pct = (p: number) =>
    Number(times[Math.min(times.length - 1, Math.floor(p * times.length))]!.toFixed(3));
  return { p50Ms: pct(0.5), p99Ms: pct(0.99) };
}

/** A seeded linear congruential generator: the same positions on every run. */
export function seededRandom(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1_103_515_245 + 12_345) % 2_147_483_648;
    return state / 2_147_483_648;
  };
}

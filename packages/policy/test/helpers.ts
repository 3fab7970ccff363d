import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseAgreement, type SharingAgreement, type SharingAgreementInput } from '../src/index';

export const PROVIDER = 'identity--8ce3f695-d5a4-4dc8-9e93-a65af453a31a';
export const PARTNER = 'identity--03e23f6c-0ac9-4b47-9c84-f718132adb21';
export const OTHER = 'identity--0b1c2d3e-4f5a-4b6c-8d7e-9f0a1b2c3d4e';
export const CLIENT = 'identity--9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d';
export const NOW = '2026-03-01T00:00:00.000Z';

/** An agreement with sensible defaults; `overrides` replace top-level keys. */
export function agreement(
  overrides: Partial<Record<keyof SharingAgreementInput, unknown>> = {},
): SharingAgreement {
  return parseAgreement({
    id: 'test-agreement',
    version: '1.0.0',
    title: 'Test agreement',
    effective: { from: '2026-01-01T00:00:00Z' },
    purposes: ['detection'],
    parties: [
      { identity: PROVIDER, name: 'Provider', role: 'provider' },
      { identity: PARTNER, name: 'Partner', role: 'recipient' },
    ],
    recipients: [{ match: { identities: [PARTNER] }, maxTlp: 'amber+strict' }],
    unmarkedTlp: 'green',
    ...overrides,
  });
}

export function exampleAgreement(name: string): SharingAgreement {
  return parseAgreement(
    readFileSync(fileURLToPath(new URL(`../agreements/${name}`, import.meta.url)), 'utf8'),
  );
}

let counter = 0;
/** A deterministic UUID-shaped suffix. */
export function uuid(n = ++counter): string {
  const hex = n.toString(16).padStart(12, '0');
  return `00000000-0000-4000-8000-${hex}`;
}

export function indicator(props: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    type: 'indicator',
    spec_version: '2.1',
    id: `indicator--${uuid()}`,
    created: '2026-02-01T00:00:00.000Z',
    modified: '2026-02-01T00:00:00.000Z',
    pattern: "[ipv4-addr:value = '198.51.100.1']",
    pattern_type: 'stix',
    valid_from: '2026-02-01T00:00:00Z',
    ...props,
  };
}

/** Every string reference in an object (`*_ref`, `*_refs`, nested), markings excluded. */
export function referencesOf(object: unknown, out: string[] = [], top = true): string[] {
  if (typeof object !== 'object' || object === null) return out;
  if (Array.isArray(object)) {
    for (const item of object) referencesOf(item, out, false);
    return out;
  }
  for (const [key, value] of Object.entries(object)) {
    if (top && (key === 'object_marking_refs' || key === 'granular_markings')) continue;
    if (key === 'external_references' || key === 'kill_chain_phases' || key === 'hashes') continue;
    if (key.endsWith('_ref') && typeof value === 'string') out.push(value);
    else if (key.endsWith('_refs') && Array.isArray(value))
      out.push(...value.filter((v) => typeof v === 'string'));
    else referencesOf(value, out, false);
  }
  return out;
}

/** Every marking id a bundle's objects reference. */
export function markingRefsOf(objects: readonly Record<string, unknown>[]): string[] {
  const out: string[] = [];
  for (const object of objects) {
    if (Array.isArray(object.object_marking_refs))
      out.push(...(object.object_marking_refs as string[]));
    if (Array.isArray(object.granular_markings)) {
      for (const gm of object.granular_markings as Record<string, unknown>[]) {
        if (typeof gm.marking_ref === 'string') out.push(gm.marking_ref);
      }
    }
  }
  return out;
}

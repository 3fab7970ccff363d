import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  AuditLog,
  PAP_MARKING_IDS,
  parseAgreement,
  project,
  type Recipient,
  type SharingAgreement,
  TLP_LEVELS,
  TLP1_MARKING_IDS,
  TLP1_TO_TLP2,
  TLP2_MARKING_IDS,
  type TlpLevel,
  tlpRank,
  verifyAuditChain,
} from '../src/index';
import { markingRefsOf, NOW, PARTNER, PROVIDER, referencesOf } from './helpers';

const RUNS = Number(process.env.POLICY_PROPERTY_RUNS ?? 1500);
const OTHER_ORG = 'identity--0b1c2d3e-4f5a-4b6c-8d7e-9f0a1b2c3d4e';
const STATEMENT = 'marking-definition--d81f86b9-975b-4c0b-875e-810c5ad45a4f';
const CUSTOM = 'marking-definition--20864905-06a0-47be-a04c-2164af17d635';
const UNKNOWN = 'marking-definition--5e57c739-391a-4eb3-b6be-7d15ca92d5ec';
const SECRET = 'VICTIM-SECRET';

// Test oracle for marking levels, written from the official ids, not from the package's resolver.
const LEVEL_OF: Record<string, TlpLevel> = {};
for (const [name, id] of Object.entries(TLP2_MARKING_IDS))
  LEVEL_OF[id] = name.slice(4).toLowerCase() as TlpLevel;
for (const [name, id] of Object.entries(TLP1_MARKING_IDS))
  LEVEL_OF[id] = TLP1_TO_TLP2[name.slice(4).toLowerCase() as 'white'];
const POOL = [
  ...Object.values(TLP2_MARKING_IDS),
  ...Object.values(TLP1_MARKING_IDS),
  PAP_MARKING_IDS['PAP:GREEN'],
  PAP_MARKING_IDS['PAP:RED'],
  STATEMENT,
  CUSTOM,
  UNKNOWN,
];

const hex = (n: number, width = 12) => n.toString(16).padStart(width, '0');
const idFor = (type: string, n: number) => `${type}--00000000-0000-4000-8000-${hex(n)}`;

interface Spec {
  identities: {
    victim: 'label' | 'sighted' | 'targeted' | null;
    markings: string[];
    createdByProvider: boolean;
  }[];
  indicators: {
    markings: string[];
    granular: { ref: string; field: 'description' | 'labels' | 'external_references' }[];
    creator: number;
    validUntil: boolean;
  }[];
  relationships: { from: number; to: number; markings: string[] }[];
  reports: { refs: number[]; markings: string[] }[];
}

const markings = fc.subarray(POOL, { maxLength: 3 });
const specArb: fc.Arbitrary<Spec> = fc.record({
  identities: fc.array(
    fc.record({
      victim: fc.constantFrom('label', 'sighted', 'targeted', null),
      markings,
      createdByProvider: fc.boolean(),
    }),
    { minLength: 1, maxLength: 5 },
  ),
  indicators: fc.array(
    fc.record({
      markings,
      granular: fc.array(
        fc.record({
          ref: fc.constantFrom(...POOL),
          field: fc.constantFrom('description', 'labels', 'external_references'),
        }),
        { maxLength: 2 },
      ),
      creator: fc.nat(10),
      validUntil: fc.boolean(),
    }),
    { minLength: 1, maxLength: 8 },
  ),
  relationships: fc.array(fc.record({ from: fc.nat(20), to: fc.nat(20), markings }), {
    maxLength: 6,
  }),
  reports: fc.array(
    fc.record({ refs: fc.array(fc.nat(20), { minLength: 1, maxLength: 4 }), markings }),
    { maxLength: 2 },
  ),
});

function buildBundle(spec: Spec): {
  bundle: { type: 'bundle'; id: string; objects: Record<string, unknown>[] };
  secrets: string[];
  victimIds: string[];
} {
  const objects: Record<string, unknown>[] = [];
  const secrets: string[] = [];
  const victimIds: string[] = [];
  let n = 1;
  const t = '2026-02-01T00:00:00.000Z';
  objects.push(
    {
      type: 'marking-definition',
      spec_version: '2.1',
      id: STATEMENT,
      created: t,
      definition_type: 'statement',
      definition: { statement: 'Copyright Example' },
    },
    {
      type: 'marking-definition',
      spec_version: '2.1',
      id: CUSTOM,
      created: t,
      extensions: {
        'extension-definition--3a65884d-005a-4290-8335-cb2d778a83ce': {
          extension_type: 'property-extension',
          identifier: 'isa:x',
        },
      },
    },
  );
  const identityIds: string[] = [];
  spec.identities.forEach((identity, i) => {
    const id = idFor('identity', n++);
    identityIds.push(id);
    const name = identity.victim ? `${SECRET}-${i} Corp` : `Analyst Org ${i}`;
    if (identity.victim) {
      secrets.push(name, `${SECRET}-${i}@mail.example`);
      victimIds.push(id);
    }
    objects.push({
      type: 'identity',
      spec_version: '2.1',
      id,
      created: t,
      modified: t,
      name,
      identity_class: 'organization',
      sectors: ['financial-services'],
      ...(identity.victim ? { contact_information: `${SECRET}-${i}@mail.example` } : {}),
      ...(identity.victim === 'label' ? { labels: ['victim'] } : {}),
      ...(identity.createdByProvider ? { created_by_ref: PROVIDER } : {}),
      ...(identity.markings.length ? { object_marking_refs: identity.markings } : {}),
    });
  });
  const indicatorIds: string[] = [];
  spec.indicators.forEach((ind, i) => {
    const id = idFor('indicator', n++);
    indicatorIds.push(id);
    const victimName = secrets[0];
    const creator = ind.creator === 0 ? PROVIDER : identityIds[ind.creator % identityIds.length];
    objects.push({
      type: 'indicator',
      spec_version: '2.1',
      id,
      created: t,
      modified: t,
      created_by_ref: creator,
      description: `Indicator ${i}`,
      labels: ['a', 'b'],
      pattern: `[ipv4-addr:value = '198.51.100.${i}']`,
      pattern_type: 'stix',
      valid_from: t,
      ...(ind.validUntil ? { valid_until: '2030-01-01T00:00:00.000Z' } : {}),
      ...(victimName ? { x_victim_name: victimName } : {}),
      external_references: [
        { source_name: 'internal-case', description: victimName ?? 'case' },
        { source_name: 'capec', external_id: `CAPEC-${i}` },
      ],
      ...(ind.markings.length ? { object_marking_refs: ind.markings } : {}),
      ...(ind.granular.length
        ? {
            granular_markings: ind.granular.map((g) => ({
              marking_ref: g.ref,
              selectors: [
                g.field === 'labels'
                  ? 'labels.[1]'
                  : g.field === 'external_references'
                    ? 'external_references.[1]'
                    : 'description',
              ],
            })),
          }
        : {}),
    });
  });
  spec.identities.forEach((identity, i) => {
    if (identity.victim === 'sighted') {
      objects.push({
        type: 'sighting',
        spec_version: '2.1',
        id: idFor('sighting', n++),
        created: t,
        modified: t,
        sighting_of_ref: indicatorIds[i % indicatorIds.length],
        where_sighted_refs: [identityIds[i]],
      });
    } else if (identity.victim === 'targeted') {
      objects.push({
        type: 'relationship',
        spec_version: '2.1',
        id: idFor('relationship', n++),
        created: t,
        modified: t,
        relationship_type: 'targets',
        source_ref: indicatorIds[i % indicatorIds.length],
        target_ref: identityIds[i],
      });
    }
  });
  const all = [...identityIds, ...indicatorIds];
  for (const rel of spec.relationships) {
    objects.push({
      type: 'relationship',
      spec_version: '2.1',
      id: idFor('relationship', n++),
      created: t,
      modified: t,
      relationship_type: 'related-to',
      source_ref: indicatorIds[rel.from % indicatorIds.length],
      target_ref: all[rel.to % all.length],
      ...(rel.markings.length ? { object_marking_refs: rel.markings } : {}),
    });
  }
  for (const report of spec.reports) {
    objects.push({
      type: 'report',
      spec_version: '2.1',
      id: idFor('report', n++),
      created: t,
      modified: t,
      name: 'Report',
      published: t,
      object_refs: report.refs.map((r) => all[r % all.length]),
      ...(report.markings.length ? { object_marking_refs: report.markings } : {}),
    });
  }
  return {
    bundle: { type: 'bundle', id: 'bundle--00000000-0000-4000-8000-000000000000', objects },
    secrets,
    victimIds,
  };
}

const levelArb = fc.constantFrom<TlpLevel>(...TLP_LEVELS);
const agreementArb = fc
  .record({
    orgMax: levelArb,
    communityMax: fc.option(levelArb, { nil: undefined }),
    clientMax: fc.option(levelArb, { nil: undefined }),
    needToKnow: fc.boolean(),
    unmarked: levelArb,
    victims: fc.constantFrom('keep', 'remove', 'generalise', 'pseudonymise'),
    deny: fc.subarray(['description', 'labels', 'indicator.valid_until']),
    custom: fc.boolean(),
    attribution: fc.constantFrom('may', 'must-not'),
    retention: fc.boolean(),
  })
  .map((r) => {
    const clauses: Record<string, unknown>[] = [
      {
        match: { identities: [PARTNER] },
        maxTlp: r.orgMax,
        namedIndividuals: r.orgMax === 'red' ? ['alice'] : [],
      },
    ];
    if (r.communityMax)
      clauses.push({
        match: { communities: ['c'] },
        maxTlp: r.communityMax,
        namedIndividuals: r.communityMax === 'red' ? ['bob'] : [],
      });
    if (r.clientMax)
      clauses.push({
        match: { clientsOf: [PARTNER] },
        maxTlp: r.clientMax,
        needToKnow: r.needToKnow,
        namedIndividuals: r.clientMax === 'red' ? ['carol'] : [],
      });
    return parseAgreement({
      id: 'prop',
      version: '1',
      title: 'Property',
      effective: { from: '2026-01-01T00:00:00Z' },
      purposes: ['testing'],
      communities: ['c'],
      parties: [
        { identity: PROVIDER, name: 'P', role: 'provider' },
        { identity: PARTNER, name: 'R', role: 'recipient' },
      ],
      recipients: clauses,
      unmarkedTlp: r.unmarked,
      properties: { deny: r.deny },
      markings: { custom: r.custom ? [{ id: CUSTOM, treatAs: 'amber' }] : [] },
      providerAttribution: r.attribution,
      victimProtection: {
        identities: r.victims,
        ...(r.victims === 'pseudonymise' ? { pseudonymKeyId: 'k' } : {}),
        internalReferences: { sourceNames: ['internal-case'] },
      },
      // Denying `valid_until` while capping it is a contradiction parseAgreement reports.
      ...(r.retention && !r.deny.includes('indicator.valid_until')
        ? { retention: { maxDays: 90 } }
        : {}),
    });
  });

const recipientArb: fc.Arbitrary<Recipient> = fc.record({
  identity: fc.constantFrom(PARTNER, OTHER_ORG),
  communities: fc.subarray(['c', 'd']),
  clientOf: fc.subarray([PARTNER]),
  individuals: fc.subarray(['alice', 'bob', 'carol', 'mallory']),
  automated: fc.boolean(),
});

/** FIRST TLP 2.0, written independently of the package: may `level` go to `recipient`? */
function oracleAllows(a: SharingAgreement, recipient: Recipient, level: TlpLevel): boolean {
  const communities = recipient.communities ?? [];
  const individuals = recipient.individuals ?? [];
  return a.recipients.some((clause) => {
    const named = clause.match.identities?.includes(recipient.identity) ?? false;
    const viaCommunity = clause.match.communities?.some((c) => communities.includes(c)) ?? false;
    const viaClient =
      clause.match.clientsOf?.some((o) => (recipient.clientOf ?? []).includes(o)) ?? false;
    if (!named && !viaCommunity && !viaClient) return false;
    if (tlpRank(level) > tlpRank(clause.maxTlp)) return false;
    const org = named || viaCommunity;
    switch (level) {
      case 'clear':
        return true;
      case 'green':
        return (
          communities.includes('c') ||
          recipient.identity === PARTNER ||
          recipient.identity === PROVIDER ||
          viaCommunity
        );
      case 'amber':
        return org || (viaClient && clause.needToKnow);
      case 'amber+strict':
        return org;
      case 'red':
        return (
          individuals.length > 0 && individuals.every((p) => clause.namedIndividuals.includes(p))
        );
    }
    return false;
  });
}

function levelOfRef(a: SharingAgreement, ref: string): TlpLevel | 'other' | 'unknown' {
  if (LEVEL_OF[ref]) return LEVEL_OF[ref]!;
  if (ref === CUSTOM) return a.markings.custom.length ? 'amber' : 'unknown';
  if (ref === UNKNOWN) return 'unknown';
  return 'other';
}

const projectOptions = { now: NOW, pseudonymKeys: { k: 'property-test-key' } };

describe('projection properties (fast-check)', () => {
  it('never shares anything above clearance, never dangles, never leaks victims, and is deterministic and idempotent', () => {
    fc.assert(
      fc.property(specArb, agreementArb, recipientArb, (spec, a, recipient) => {
        const { bundle, secrets, victimIds } = buildBundle(spec);
        const before = JSON.stringify(bundle);
        const projection = project(bundle, a, recipient, projectOptions);
        expect(JSON.stringify(bundle)).toBe(before); // input untouched
        const objects = projection.bundle.objects as Record<string, unknown>[];
        const ids = new Set(objects.map((o) => o.id as string));

        for (const object of objects) {
          if (object.type === 'marking-definition') continue;
          if (
            object.identity_class === 'class' ||
            String(object.name).startsWith('Pseudonymised victim')
          )
            continue;
          // Object level: the most restrictive TLP, or the agreement's level for unmarked objects.
          const levels = ((object.object_marking_refs as string[] | undefined) ?? []).map((ref) =>
            levelOfRef(a, ref),
          );
          expect(levels).not.toContain('unknown');
          const tlps = levels.filter((l): l is TlpLevel => l !== 'other');
          const objectLevel = tlps.length
            ? tlps.reduce((x, y) => (tlpRank(x) >= tlpRank(y) ? x : y))
            : a.unmarkedTlp;
          expect(oracleAllows(a, recipient, objectLevel), `${object.id} at ${objectLevel}`).toBe(
            true,
          );
          // Field level: every remaining granular marking is within clearance too.
          for (const gm of (object.granular_markings as { marking_ref?: string }[] | undefined) ??
            []) {
            if (!gm.marking_ref) continue;
            const level = levelOfRef(a, gm.marking_ref);
            expect(level).not.toBe('unknown');
            if (level !== 'other' && level !== 'unknown') {
              const field = tlpRank(level) > tlpRank(objectLevel) ? level : objectLevel;
              expect(oracleAllows(a, recipient, field)).toBe(true);
            }
          }
          // Denied properties are gone.
          for (const prop of a.properties.deny) {
            const [type, name] = prop.includes('.') ? prop.split('.') : [undefined, prop];
            if (!type || type === object.type) expect(object).not.toHaveProperty(name!);
          }
        }
        // No dangling reference; every marking referenced is included.
        for (const object of objects)
          for (const ref of referencesOf(object)) expect(ids).toContain(ref);
        for (const ref of markingRefsOf(objects)) expect(ids).toContain(ref);
        // Protected victim data never appears.
        const text = JSON.stringify(projection.bundle);
        if (a.victimProtection.identities !== 'keep') {
          for (const secret of secrets) expect(text).not.toContain(secret);
          for (const id of victimIds) expect(ids.has(id)).toBe(false);
        }
        expect(text).not.toContain('internal-case');
        // Deterministic and idempotent.
        expect(project(bundle, a, recipient, projectOptions).bundle).toEqual(projection.bundle);
        const again = project(projection.bundle, a, recipient, projectOptions);
        expect(again.bundle.objects).toEqual(projection.bundle.objects);
      }),
      { numRuns: RUNS, seed: Number(process.env.POLICY_PROPERTY_SEED ?? 20260301) },
    );
  }, 180_000);

  it('the audit chain verifies, and any edit to any entry breaks it', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(specArb, recipientArb), { minLength: 1, maxLength: 4 }),
        agreementArb,
        fc.nat(),
        fc.string({ minLength: 1, maxLength: 8 }),
        (runs, a, pick, text) => {
          const log = new AuditLog();
          for (const [spec, recipient] of runs)
            project(buildBundle(spec).bundle, a, recipient, { ...projectOptions, audit: log });
          const entries = structuredClone(log.entries()) as unknown as Record<string, unknown>[];
          expect(verifyAuditChain(entries).valid).toBe(true);
          const target = entries[pick % entries.length]!;
          const fields = ['actor', 'recipient', 'time', 'inputHash', 'outputHash'] as const;
          const field = fields[pick % fields.length]!;
          const next = `${String(target[field])}${text}`;
          target[field] = next;
          expect(verifyAuditChain(entries).valid).toBe(false);
        },
      ),
      { numRuns: Math.max(50, Math.floor(RUNS / 15)) },
    );
  }, 120_000);
});

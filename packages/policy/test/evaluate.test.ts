import { readJsonFixture } from '@intelshare/fixtures';
import { describe, expect, it } from 'vitest';
import { evaluate, PAP_MARKING_IDS, TLP1_MARKING_IDS, TLP2_MARKING_IDS } from '../src/index';
import { agreement, CLIENT, indicator, NOW, OTHER, PARTNER, PROVIDER } from './helpers';

const T = TLP2_MARKING_IDS;
const marked = (level: keyof typeof T) => indicator({ object_marking_refs: [T[level]] });
const at = { now: NOW };

describe('FIRST TLP 2.0 recipient rules', () => {
  const all = agreement({
    parties: [
      { identity: PROVIDER, name: 'Provider', role: 'provider' },
      { identity: PARTNER, name: 'Partner', role: 'recipient' },
    ],
    communities: ['cti-community'],
    recipients: [
      {
        name: 'Partner',
        match: { identities: [PARTNER] },
        maxTlp: 'red',
        namedIndividuals: ['alice', 'bob'],
      },
      {
        name: 'Partner clients',
        match: { clientsOf: [PARTNER] },
        maxTlp: 'amber',
        needToKnow: true,
      },
      { name: 'Community', match: { communities: ['cti-community'] }, maxTlp: 'amber+strict' },
      { name: 'Public', match: { anyone: true }, maxTlp: 'clear' },
    ],
  });

  it('TLP:CLEAR goes to anyone', () => {
    expect(evaluate(all, { identity: OTHER }, marked('TLP:CLEAR'), at).action).toBe('share');
    expect(evaluate(all, { identity: OTHER }, marked('TLP:GREEN'), at).action).toBe('withhold');
  });

  it('TLP:GREEN goes to the recipient community only', () => {
    expect(
      evaluate(all, { identity: OTHER, communities: ['cti-community'] }, marked('TLP:GREEN'), at)
        .action,
    ).toBe('share');
    const client = evaluate(
      all,
      { identity: CLIENT, clientOf: [PARTNER] },
      marked('TLP:GREEN'),
      at,
    );
    expect(client.action).toBe('withhold');
    expect(client.reasons.at(-1)?.message).toMatch(/community/);
  });

  it('TLP:AMBER goes to the organisation and, with need to know, its clients', () => {
    expect(evaluate(all, { identity: PARTNER }, marked('TLP:AMBER'), at).action).toBe('share');
    expect(
      evaluate(
        all,
        { identity: CLIENT, clientOf: [PARTNER], communities: ['cti-community'] },
        marked('TLP:AMBER'),
        at,
      ).action,
    ).toBe('share');
    const noNeed = agreement({
      recipients: [{ match: { clientsOf: [PARTNER] }, maxTlp: 'amber' }],
    });
    const decision = evaluate(
      noNeed,
      { identity: CLIENT, clientOf: [PARTNER] },
      marked('TLP:AMBER'),
      at,
    );
    expect(decision.action).toBe('withhold');
    expect(decision.reasons.at(-1)?.message).toContain('need-to-know');
  });

  it('TLP:AMBER+STRICT goes to the organisation only, never its clients', () => {
    expect(evaluate(all, { identity: PARTNER }, marked('TLP:AMBER+STRICT'), at).action).toBe(
      'share',
    );
    expect(
      evaluate(all, { identity: CLIENT, clientOf: [PARTNER] }, marked('TLP:AMBER+STRICT'), at)
        .action,
    ).toBe('withhold');
    // Even a clause that would grant more cannot give AMBER+STRICT to a client.
    const generous = agreement({
      recipients: [{ match: { clientsOf: [PARTNER] }, maxTlp: 'amber+strict', needToKnow: true }],
    });
    const client = evaluate(
      generous,
      { identity: CLIENT, clientOf: [PARTNER] },
      marked('TLP:AMBER+STRICT'),
      at,
    );
    expect(client.action).toBe('withhold');
    expect(client.reasons.at(-1)?.message).toContain('organisation itself');
  });

  it('TLP:RED goes to named individuals only, never to an automated feed', () => {
    expect(
      evaluate(all, { identity: PARTNER, individuals: ['alice'] }, marked('TLP:RED'), at).action,
    ).toBe('share');
    expect(
      evaluate(all, { identity: PARTNER, individuals: ['alice', 'mallory'] }, marked('TLP:RED'), at)
        .action,
    ).toBe('withhold');
    const feed = evaluate(all, { identity: PARTNER, automated: true }, marked('TLP:RED'), at);
    expect(feed.action).toBe('withhold');
    expect(feed.reasons.at(-1)?.message).toContain('automated feed');
    expect(feed.whyNot?.[0]).toContain('namedIndividuals');
    // An automated feed whose readers the agreement names may receive RED.
    expect(
      evaluate(
        all,
        { identity: PARTNER, automated: true, individuals: ['bob'] },
        marked('TLP:RED'),
        at,
      ).action,
    ).toBe('share');
  });

  it('the most restrictive of several TLP markings wins, across TLP 1.0 and 2.0', () => {
    const two = indicator({ object_marking_refs: [T['TLP:CLEAR'], TLP1_MARKING_IDS['TLP:AMBER']] });
    const decision = evaluate(all, { identity: OTHER, communities: ['cti-community'] }, two, at);
    expect(decision.action).toBe('share');
    expect(decision.reasons.find((r) => r.rule === 'tlp')?.marking).toBe('TLP:AMBER');
    const white = indicator({ object_marking_refs: [TLP1_MARKING_IDS['TLP:WHITE']] });
    expect(evaluate(all, { identity: OTHER }, white, at).action).toBe('share');
  });

  it('cites the clause and marking in words', () => {
    const decision = evaluate(all, { identity: PARTNER }, marked('TLP:AMBER'), at);
    expect(decision.reasons.find((r) => r.rule === 'tlp')).toEqual({
      rule: 'tlp',
      effect: 'allow',
      clause: 'recipients[0].maxTlp',
      marking: 'TLP:AMBER',
      message:
        'TLP:AMBER is within what recipients[0] ("Partner") grants (up to TLP:RED), and FIRST TLP 2.0 allows it for this recipient.',
    });
  });
});

describe('fail closed', () => {
  const a = agreement();
  it('withholds objects carrying an unknown or unresolvable marking', () => {
    const decision = evaluate(
      a,
      { identity: PARTNER },
      indicator({
        object_marking_refs: ['marking-definition--5e57c739-391a-4eb3-b6be-7d15ca92d5ec'],
      }),
      at,
    );
    expect(decision.action).toBe('withhold');
    expect(decision.reasons.at(-1)).toMatchObject({ rule: 'marking-unknown', effect: 'deny' });
    expect(decision.whyNot?.[0]).toContain('markings.custom');
  });

  it('treats unmarked objects as the agreement says, and RED by default', () => {
    expect(evaluate(a, { identity: PARTNER }, indicator(), at).action).toBe('share');
    const strict = agreement({ unmarkedTlp: undefined });
    expect(evaluate(strict, { identity: PARTNER }, indicator(), at).action).toBe('withhold');
  });

  it('withholds everything from a recipient no clause covers', () => {
    const decision = evaluate(a, { identity: OTHER }, marked('TLP:CLEAR'), at);
    expect(decision.action).toBe('withhold');
    expect(decision.reasons[0]?.rule).toBe('recipient-covered');
  });

  it('withholds outside the effective period', () => {
    const decision = evaluate(a, { identity: PARTNER }, marked('TLP:CLEAR'), {
      now: '2025-12-31T23:59:59Z',
    });
    expect(decision.reasons[0]).toMatchObject({ rule: 'agreement-in-effect', effect: 'deny' });
  });

  it('withholds malformed objects and granular markings that point nowhere', () => {
    expect(evaluate(a, { identity: PARTNER }, { type: 'indicator' }, at).reasons[0]?.rule).toBe(
      'malformed',
    );
    expect(evaluate(a, { identity: PARTNER }, null, at).action).toBe('withhold');
    const bad = indicator({
      granular_markings: [{ marking_ref: T['TLP:RED'], selectors: ['nonexistent'] }],
    });
    expect(evaluate(a, { identity: PARTNER }, bad, at).action).toBe('withhold');
    const notList = indicator({ object_marking_refs: T['TLP:CLEAR'] });
    expect(evaluate(a, { identity: PARTNER }, notList, at).action).toBe('withhold');
  });
});

describe('granular markings', () => {
  it('removes fields above clearance, using the official granular-markings example', () => {
    const bundle = readJsonFixture<{ objects: Record<string, unknown>[] }>(
      'stix21/cti-documentation/using-granular-markings.json',
    );
    const object = bundle.objects.find((o) => o.type === 'indicator')!;
    const green = agreement({
      recipients: [{ match: { identities: [PARTNER] }, maxTlp: 'green' }],
    });
    const decision = evaluate(green, { identity: PARTNER }, object, at);
    expect(decision.action).toBe('share-redacted');
    expect(decision.redactions.map((r) => r.path)).toEqual(['description', 'indicator_types[1]']);
    expect(decision.redactions[0]).toMatchObject({ rule: 'granular-marking', marking: 'TLP:RED' });
  });

  it('withholds the object when a required property is above clearance', () => {
    const object = indicator({
      granular_markings: [{ marking_ref: T['TLP:RED'], selectors: ['pattern'] }],
    });
    expect(evaluate(agreement(), { identity: PARTNER }, object, at).action).toBe('withhold');
  });

  it('treats language granular markings as non-restrictive', () => {
    const object = indicator({
      description: 'x',
      granular_markings: [{ lang: 'de', selectors: ['description'] }],
    });
    expect(evaluate(agreement(), { identity: PARTNER }, object, at).action).toBe('share');
  });

  it('removes nested paths and list items marked with unknown markings', () => {
    const object = indicator({
      external_references: [{ source_name: 'a', url: 'https://a.example' }, { source_name: 'b' }],
      granular_markings: [
        {
          marking_ref: 'marking-definition--11111111-2222-4333-8444-555555555555',
          selectors: ['external_references.[0].url'],
        },
      ],
    });
    const decision = evaluate(agreement(), { identity: PARTNER }, object, at);
    expect(decision.redactions.map((r) => r.path)).toEqual(['external_references[0].url']);
  });
});

describe('PAP, IEP 2.0, statements, custom markings', () => {
  it('PAP: withholds data the recipient does not commit to handle', () => {
    const a = agreement({
      recipients: [{ match: { identities: [PARTNER] }, maxTlp: 'amber', maxPap: 'green' }],
    });
    const red = indicator({ object_marking_refs: [T['TLP:GREEN'], PAP_MARKING_IDS['PAP:RED']] });
    const decision = evaluate(a, { identity: PARTNER }, red, at);
    expect(decision.action).toBe('withhold');
    expect(decision.reasons.at(-1)).toMatchObject({
      rule: 'pap',
      clause: 'recipients[0].maxPap',
      marking: 'PAP:RED',
    });
    expect(
      evaluate(
        a,
        { identity: PARTNER },
        indicator({ object_marking_refs: [PAP_MARKING_IDS['PAP:GREEN']] }),
        at,
      ).action,
    ).toBe('share');
  });

  const iepAmber = readJsonFixture<Record<string, unknown>>(
    'stix21/cti-stix-common-objects/iep2/examples/iep-data-marking-example.json',
  );
  const iepRed = readJsonFixture<Record<string, unknown>>(
    'stix21/cti-stix-common-objects/iep2/examples/iep-data-marking-red-example.json',
  );

  it('IEP 2.0: its TLP counts and provider attribution must-not removes created_by_ref', () => {
    const a = agreement({ recipients: [{ match: { identities: [PARTNER] }, maxTlp: 'amber' }] });
    const object = indicator({ created_by_ref: PROVIDER, object_marking_refs: [iepAmber.id] });
    const decision = evaluate(a, { identity: PARTNER }, object, {
      ...at,
      markingDefinitions: [iepAmber],
    });
    expect(decision.action).toBe('share-redacted');
    expect(decision.redactions).toContainEqual(
      expect.objectContaining({ path: 'created_by_ref', rule: 'provider-attribution' }),
    );
  });

  it('IEP 2.0: conflicts with the agreement withhold', () => {
    const notify = agreement({
      recipients: [
        { match: { identities: [PARTNER] }, maxTlp: 'red', namedIndividuals: ['alice'] },
      ],
      obligations: { notifyAffectedParties: true },
    });
    const object = indicator({ object_marking_refs: [iepRed.id] });
    // The red example's end_date (2022-11-01) is past: not in effect.
    const expired = evaluate(notify, { identity: PARTNER, individuals: ['alice'] }, object, {
      ...at,
      markingDefinitions: [iepRed],
    });
    expect(expired.reasons.at(-1)?.message).toContain('not in effect');
    const current = {
      ...iepRed,
      id: 'marking-definition--da05d443-ad8d-46fc-abf5-31d3d00290f2',
      extensions: {
        'extension-definition--762e2e97-ee51-43e5-a9ea-165fbb862c4a': {
          ...(iepRed.extensions as Record<string, Record<string, unknown>>)[
            'extension-definition--762e2e97-ee51-43e5-a9ea-165fbb862c4a'
          ],
          end_date: undefined,
        },
      },
    };
    const conflict = evaluate(
      notify,
      { identity: PARTNER, individuals: ['alice'] },
      indicator({ object_marking_refs: [current.id] }),
      { ...at, markingDefinitions: [current] },
    );
    expect(conflict.reasons.at(-1)).toMatchObject({
      rule: 'iep',
      clause: 'obligations.notifyAffectedParties',
    });
    const actions = agreement({
      recipients: [
        {
          match: { identities: [PARTNER] },
          maxTlp: 'amber',
          intendedActions: 'externally-visible-direct-actions',
        },
      ],
    });
    const amberLimited = {
      ...iepAmber,
      id: 'marking-definition--da05d443-ad8d-46fc-abf5-31d3d00290f3',
      extensions: {
        'extension-definition--762e2e97-ee51-43e5-a9ea-165fbb862c4a': {
          ...(iepAmber.extensions as Record<string, Record<string, unknown>>)[
            'extension-definition--762e2e97-ee51-43e5-a9ea-165fbb862c4a'
          ],
          permitted_actions: 'internally-visible-actions',
        },
      },
    };
    const tooActive = evaluate(
      actions,
      { identity: PARTNER },
      indicator({ object_marking_refs: [amberLimited.id] }),
      { ...at, markingDefinitions: [amberLimited] },
    );
    expect(tooActive.reasons.at(-1)).toMatchObject({
      rule: 'iep',
      clause: 'recipients[0].intendedActions',
    });
  });

  it('statement markings travel with the object; custom markings follow the agreement', () => {
    const bundle = readJsonFixture<{ objects: Record<string, unknown>[] }>(
      'stix21/cti-documentation/using-marking-definitions.json',
    );
    const ind = bundle.objects.find((o) => o.type === 'indicator')!;
    const a = agreement({ recipients: [{ match: { identities: [PARTNER] }, maxTlp: 'amber' }] });
    const decision = evaluate(a, { identity: PARTNER }, ind, {
      now: '2017-05-01T00:00:00Z',
      markingDefinitions: bundle.objects,
    });
    expect(decision.action).toBe('withhold'); // the agreement is not in effect in 2017
    const shared = evaluate(a, { identity: PARTNER }, ind, {
      ...at,
      markingDefinitions: bundle.objects,
    });
    expect(shared.action).toBe('share');
    expect(shared.reasons).toContainEqual(
      expect.objectContaining({
        rule: 'statement',
        message: expect.stringContaining('Stark Industries'),
      }),
    );
    const acs = readJsonFixture<{ objects: Record<string, unknown>[] }>(
      'stix21/cti-stix-common-objects/acs/acs-spec-use-case-1.json',
    ).objects[0]!;
    const withAcs = indicator({ object_marking_refs: [acs.id] });
    expect(
      evaluate(a, { identity: PARTNER }, withAcs, { ...at, markingDefinitions: [acs] }).action,
    ).toBe('withhold');
    const understood = agreement({
      recipients: [{ match: { identities: [PARTNER] }, maxTlp: 'amber' }],
      markings: { custom: [{ id: acs.id, treatAs: 'amber+strict' }] },
    });
    const custom = evaluate(understood, { identity: PARTNER }, withAcs, {
      ...at,
      markingDefinitions: [acs],
    });
    expect(custom.action).toBe('withhold');
    expect(custom.reasons.at(-1)?.marking).toBe('TLP:AMBER+STRICT');
  });
});

describe('agreement clauses', () => {
  it('object types', () => {
    const a = agreement({ objects: { allowTypes: ['indicator'], denyTypes: [] } });
    expect(evaluate(a, { identity: PARTNER }, indicator(), at).action).toBe('share');
    const other = evaluate(
      a,
      { identity: PARTNER },
      { ...indicator(), type: 'malware', id: 'malware--00000000-0000-4000-8000-00000000ffff' },
      at,
    );
    expect(other.reasons.at(-1)).toMatchObject({
      rule: 'object-type',
      clause: 'objects.allowTypes',
    });
  });

  it('revoked, labels, confidence and age', () => {
    const a = agreement({
      conditions: { labels: { noneOf: ['internal'] }, minConfidence: 50, maxAgeDays: 30 },
    });
    const base = { confidence: 80, modified: '2026-02-20T00:00:00.000Z' };
    expect(evaluate(a, { identity: PARTNER }, indicator(base), at).action).toBe('share');
    const rules = (props: Record<string, unknown>) =>
      evaluate(a, { identity: PARTNER }, indicator({ ...base, ...props }), at)
        .reasons.filter((r) => r.effect === 'deny')
        .map((r) => r.rule);
    expect(rules({ revoked: true })).toEqual(['revoked']);
    expect(rules({ labels: ['internal'] })).toEqual(['labels']);
    expect(rules({ confidence: 10 })).toEqual(['confidence']);
    expect(rules({ modified: '2025-01-01T00:00:00.000Z' })).toEqual(['max-age']);
  });

  it('denied and not-allowed properties; required properties withhold instead', () => {
    const a = agreement({
      properties: {
        deny: ['description', 'indicator.name'],
        allow: { malware: ['name', 'is_family', 'malware_types'] },
      },
    });
    const decision = evaluate(
      a,
      { identity: PARTNER },
      indicator({ description: 'd', name: 'n' }),
      at,
    );
    expect(decision.redactions.map((r) => `${r.rule}:${r.path}`)).toEqual([
      'property-denied:description',
      'property-denied:name',
    ]);
    const malware = {
      type: 'malware',
      spec_version: '2.1',
      id: 'malware--00000000-0000-4000-8000-0000000000aa',
      created: NOW,
      modified: NOW,
      is_family: true,
      name: 'x',
      aliases: ['y'],
    };
    expect(evaluate(a, { identity: PARTNER }, malware, at).redactions.map((r) => r.path)).toEqual([
      'aliases',
    ]);
    const denyPattern = agreement({ properties: { deny: ['indicator.pattern'] } });
    expect(evaluate(denyPattern, { identity: PARTNER }, indicator(), at).action).toBe('withhold');
  });

  it('victim protection: x_ properties, internal references, free text', () => {
    const a = agreement({
      victimProtection: {
        internalReferences: { sourceNames: ['tickets'], urlDomains: ['corp.example'] },
        freeTextFields: ['indicator.description'],
      },
    });
    const object = indicator({
      description: 'Seen at ACME',
      x_acme_customer: 'ACME',
      external_references: [
        { source_name: 'tickets', external_id: 'T-1' },
        { source_name: 'web', url: 'https://wiki.corp.example/x' },
        { source_name: 'capec', external_id: 'CAPEC-1' },
      ],
    });
    const decision = evaluate(a, { identity: PARTNER }, object, at);
    expect(decision.redactions.map((r) => `${r.rule}:${r.path}`)).toEqual([
      'free-text:description',
      'custom-properties:x_acme_customer',
      'internal-reference:external_references[0]',
      'internal-reference:external_references[1]',
    ]);
  });

  it('victim identities: removed, generalised or pseudonymised; missing key withholds', () => {
    const victim = {
      type: 'identity',
      spec_version: '2.1',
      id: 'identity--00000000-0000-4000-8000-0000000000bb',
      created: NOW,
      modified: NOW,
      name: 'ACME',
      identity_class: 'organization',
      labels: ['victim'],
    };
    expect(evaluate(agreement(), { identity: PARTNER }, victim, at).reasons.at(-1)?.rule).toBe(
      'victim-identity',
    );
    const gen = agreement({ victimProtection: { identities: 'generalise' } });
    expect(evaluate(gen, { identity: PARTNER }, victim, at).redactions[0]).toMatchObject({
      path: '',
      action: 'generalise',
    });
    const pseudo = agreement({
      victimProtection: { identities: 'pseudonymise', pseudonymKeyId: 'k1' },
    });
    expect(evaluate(pseudo, { identity: PARTNER }, victim, at).action).toBe('withhold');
    expect(
      evaluate(pseudo, { identity: PARTNER }, victim, { ...at, pseudonymKeys: { k1: 'key' } })
        .redactions[0]?.action,
    ).toBe('pseudonymise');
  });

  it('provider attribution must-not removes created_by_ref and withholds the provider identity', () => {
    const a = agreement({ providerAttribution: 'must-not' });
    expect(
      evaluate(a, { identity: PARTNER }, indicator({ created_by_ref: PROVIDER }), at).redactions[0]
        ?.path,
    ).toBe('created_by_ref');
    const self = {
      type: 'identity',
      spec_version: '2.1',
      id: PROVIDER,
      created: NOW,
      modified: NOW,
      name: 'Provider',
    };
    expect(evaluate(a, { identity: PARTNER }, self, at).action).toBe('withhold');
  });

  it('retention caps valid_until', () => {
    const a = agreement({ retention: { maxDays: 30 } });
    const decision = evaluate(
      a,
      { identity: PARTNER },
      indicator({ valid_until: '2030-01-01T00:00:00Z' }),
      at,
    );
    expect(decision.redactions[0]).toMatchObject({
      path: 'valid_until',
      action: 'cap',
      value: '2026-03-31T00:00:00.000Z',
    });
    expect(
      evaluate(a, { identity: PARTNER }, indicator({ valid_until: '2026-03-10T00:00:00Z' }), at)
        .action,
    ).toBe('share');
  });
});

// One block per decision stage (src/evaluate/stages/*), each called directly with the
// input `decide` gives it.
import { describe, expect, it } from 'vitest';
import { checkConditions } from '../../src/evaluate/stages/conditions';
import { derivedContentRefusal } from '../../src/evaluate/stages/derived-content';
import { granularRedactions } from '../../src/evaluate/stages/granular-markings';
import { readObjectMarkings } from '../../src/evaluate/stages/object-markings';
import { propertyRedactions, retentionRedaction } from '../../src/evaluate/stages/properties';
import { recipientClauses } from '../../src/evaluate/stages/recipient-clauses';
import { victimRedactions } from '../../src/evaluate/stages/victims';
import type { Reason } from '../../src/index';
import { PAP_MARKING_IDS, TLP2_MARKING_IDS } from '../../src/index';
import { agreement, indicator, OTHER, PARTNER, uuid } from '../helpers';
import { stageInput } from './stage-input';

const CLEAR = TLP2_MARKING_IDS['TLP:CLEAR'];
const RED = TLP2_MARKING_IDS['TLP:RED'];
const T = '2026-02-01T00:00:00.000Z';
const malware = (props: Record<string, unknown> = {}) => ({
  type: 'malware',
  spec_version: '2.1',
  id: `malware--${uuid()}`,
  created: T,
  modified: T,
  name: 'Family',
  is_family: true,
  object_marking_refs: [CLEAR],
  ...props,
});

describe('stage: recipient clauses', () => {
  it('withholds for a recipient no clause covers, naming what would change it', () => {
    const out = recipientClauses(stageInput(agreement(), indicator(), { identity: OTHER }));
    expect(Array.isArray(out)).toBe(false);
    if (Array.isArray(out)) return;
    expect(out.action).toBe('withhold');
    expect(out.reasons[0]!.rule).toBe('recipient-covered');
  });
  it('withholds a custom type the agreement does not name; allows a STIX type', () => {
    const custom = { ...indicator(), type: 'x-thing', id: `x-thing--${uuid()}` };
    const out = recipientClauses(stageInput(agreement(), custom));
    expect(Array.isArray(out) ? 'allowed' : out.reasons[0]!.rule).toBe('object-type');
    const ok = recipientClauses(stageInput(agreement(), indicator()));
    expect(Array.isArray(ok) && ok.map((r) => r.rule)).toEqual([
      'recipient-covered',
      'agreement-in-effect',
      'object-type',
    ]);
  });
});

describe('stage: conditions', () => {
  it('denies a revoked object, a banned label and low confidence', () => {
    const terms = agreement({
      conditions: { excludeRevoked: true, labels: { noneOf: ['internal'] }, minConfidence: 50 },
    });
    const denies: Reason[] = [];
    const whyNot: string[] = [];
    checkConditions(
      stageInput(terms, indicator({ revoked: true, labels: ['internal'], confidence: 10 })),
      denies,
      whyNot,
    );
    expect(denies.map((d) => d.rule)).toEqual(['revoked', 'labels', 'confidence']);
    expect(whyNot).toHaveLength(3);
  });
});

describe('stage: object markings (where TLP:RED is decided)', () => {
  it('denies TLP:RED unless the reader is named in a clause granting RED', () => {
    const terms = agreement({
      recipients: [
        { match: { identities: [PARTNER] }, maxTlp: 'red', namedIndividuals: ['alice'] },
      ],
    });
    const red = indicator({ object_marking_refs: [RED] });
    const denies: Reason[] = [];
    readObjectMarkings(stageInput(terms, red), [], denies, []);
    expect(denies[0]?.rule).toBe('tlp');
    const allowed: Reason[] = [];
    const markings = readObjectMarkings(
      stageInput(terms, red, { identity: PARTNER, individuals: ['alice'] }),
      allowed,
      [],
      [],
    );
    expect(markings.rank).toBe(4);
    expect(allowed.at(-1)?.marking).toBe('TLP:RED');
  });
  it('denies an unknown marking and a PAP above the clause', () => {
    const denies: Reason[] = [];
    readObjectMarkings(
      stageInput(
        agreement({
          recipients: [{ match: { identities: [PARTNER] }, maxTlp: 'amber', maxPap: 'green' }],
        }),
        indicator({
          object_marking_refs: [
            CLEAR,
            PAP_MARKING_IDS['PAP:RED'],
            'marking-definition--00000000-0000-4000-8000-0000000000aa',
          ],
        }),
      ),
      [],
      denies,
      [],
    );
    expect(denies.map((d) => d.rule).sort()).toEqual(['marking-unknown', 'pap']);
  });
});

describe('stage: granular markings', () => {
  const twoClauses = agreement({
    communities: ['c'],
    recipients: [
      { match: { identities: [PARTNER] }, maxTlp: 'amber+strict', maxPap: 'red' },
      {
        match: { communities: ['c'] },
        maxTlp: 'red',
        namedIndividuals: ['alice'],
        maxPap: 'clear',
      },
    ],
  });
  const reader = { identity: PARTNER, communities: ['c'], individuals: ['alice'] };
  it('removes a field no single clause allows with all its markings', () => {
    const tool = malware({
      type: 'tool',
      id: `tool--${uuid()}`,
      description: 'x',
      object_marking_refs: [CLEAR, PAP_MARKING_IDS['PAP:RED']],
      granular_markings: [{ marking_ref: RED, selectors: ['description'] }],
    });
    const input = stageInput(twoClauses, tool, reader);
    const out = granularRedactions(input, readObjectMarkings(input, [], [], []));
    expect(Array.isArray(out) && out.map((r) => r.path)).toEqual(['description']);
  });
  it('refuses a granular marking with both lang and marking_ref, and one on a required property', () => {
    for (const gm of [
      { lang: 'en', marking_ref: CLEAR, selectors: ['name'] },
      { marking_ref: RED, selectors: ['name'] },
    ]) {
      const input = stageInput(agreement(), malware({ granular_markings: [gm] }));
      const out = granularRedactions(input, readObjectMarkings(input, [], [], []));
      expect(out !== undefined && !Array.isArray(out) && out.refuse.effect).toBe('deny');
    }
  });
  it('removes a kill-chain phase whole when a part of it is marked', () => {
    const input = stageInput(
      agreement(),
      malware({
        kill_chain_phases: [{ kill_chain_name: 'k', phase_name: 'p' }],
        granular_markings: [{ marking_ref: RED, selectors: ['kill_chain_phases.[0].phase_name'] }],
      }),
    );
    const out = granularRedactions(input, readObjectMarkings(input, [], [], []));
    expect(Array.isArray(out) && out.map((r) => r.path)).toEqual(['kill_chain_phases[0]']);
  });
});

describe('stage: properties', () => {
  it('removes a denied property and refuses when it is a malware family’s name', () => {
    const terms = agreement({ properties: { deny: ['description', 'malware.name'] } });
    const out = propertyRedactions(
      stageInput(terms, malware({ description: 'd' })),
      undefined,
      undefined,
    );
    expect(out !== undefined && !Array.isArray(out) && out.refuse.clause).toBe('properties.deny');
    const notFamily = propertyRedactions(
      stageInput(terms, malware({ description: 'd', is_family: false })),
      undefined,
      undefined,
    );
    expect(Array.isArray(notFamily) && notFamily.map((r) => r.path).sort()).toEqual([
      'description',
      'name',
    ]);
  });
  it('caps valid_until to the retention period', () => {
    const terms = agreement({ retention: { maxDays: 30 } });
    const out = retentionRedaction(stageInput(terms, indicator()), undefined);
    expect(Array.isArray(out) && out[0]).toMatchObject({ action: 'cap', path: 'valid_until' });
  });
});

describe('stage: victims', () => {
  const victim = {
    type: 'identity',
    spec_version: '2.1',
    id: `identity--${uuid()}`,
    created: T,
    modified: T,
    name: 'Acme',
    labels: ['victim'],
    object_marking_refs: [CLEAR],
  };
  it('refuses a victim the agreement removes, generalises one it generalises', () => {
    const removed = victimRedactions(
      stageInput(agreement({ victimProtection: { identities: 'remove' } }), victim),
      undefined,
    );
    expect(removed !== undefined && !Array.isArray(removed) && removed.refuse.rule).toBe(
      'victim-identity',
    );
    const generalised = victimRedactions(
      stageInput(agreement({ victimProtection: { identities: 'generalise' } }), victim),
      undefined,
    );
    expect(Array.isArray(generalised) && generalised[0]).toMatchObject({
      path: '',
      action: 'generalise',
    });
  });
});

describe('stage: derived content', () => {
  it('refuses a translation of a protected victim, not of anything else', () => {
    const terms = agreement({ victimProtection: { identities: 'generalise' } });
    const victimId = `identity--${uuid()}`;
    const lc = {
      type: 'language-content',
      spec_version: '2.1',
      id: `language-content--${uuid()}`,
      created: T,
      modified: T,
      object_ref: victimId,
      object_modified: T,
      contents: { fr: { name: 'x' } },
    };
    expect(
      derivedContentRefusal(stageInput(terms, lc, undefined, { victimIds: [victimId] }))?.refuse
        .rule,
    ).toBe('victim-identity');
    expect(derivedContentRefusal(stageInput(terms, lc))).toBeUndefined();
  });
});

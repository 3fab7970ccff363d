// Issue 13, the four leaks, reproduced as written in the issue.
import { describe, expect, it } from 'vitest';
import { PAP_MARKING_IDS, project, TLP2_MARKING_IDS } from '../../src/index';
import { agreement, exampleAgreement, NOW, PARTNER, uuid } from '../helpers';
import { expectValidBundle, text } from '../strict';

const T = '2026-02-01T00:00:00.000Z';
const CLEAR = TLP2_MARKING_IDS['TLP:CLEAR'];
const RED = TLP2_MARKING_IDS['TLP:RED'];
const WATER = 'identity--2d3e4f5a-6b7c-4d8e-9f0a-1b2c3d4e5f66';
const water = { identity: WATER, communities: ['cert-constituency'] };

function victim(props: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    type: 'identity',
    spec_version: '2.1',
    id: `identity--${uuid()}`,
    created: T,
    modified: T,
    name: 'Acme Hospital',
    identity_class: 'organization',
    sectors: ['healthcare'],
    labels: ['victim'],
    object_marking_refs: [CLEAR],
    ...props,
  };
}

function translation(of: Record<string, unknown>): Record<string, unknown> {
  return {
    type: 'language-content',
    spec_version: '2.1',
    id: `language-content--${uuid()}`,
    created: T,
    modified: T,
    object_ref: of.id,
    object_modified: of.modified,
    contents: { fr: { name: 'Hôpital Acme' } },
    object_marking_refs: [CLEAR],
  };
}

describe('issue 13 leak 1: a victim name through a translation', () => {
  it('generalise: the translation of the victim is withheld, the French name never leaves', () => {
    const v = victim();
    const lc = translation(v);
    const projection = project([v, lc], exampleAgreement('cert-constituents.yaml'), water, {
      now: NOW,
    });
    expect(text(projection)).not.toContain('Hôpital Acme');
    expect(text(projection)).not.toContain('Acme Hospital');
    expect(projection.decisions[1]!.action).toBe('withhold');
    expectValidBundle(projection);
  });

  it('pseudonymise: the translation never ties the real name to the pseudonym', () => {
    const v = victim();
    const lc = translation(v);
    const terms = agreement({
      recipients: [{ match: { identities: [PARTNER] }, maxTlp: 'amber' }],
      victimProtection: { identities: 'pseudonymise', pseudonymKeyId: 'k1' },
    });
    const projection = project(
      [v, lc],
      terms,
      { identity: PARTNER },
      {
        now: NOW,
        pseudonymKeys: { k1: 'a secret key of enough length' },
      },
    );
    expect(text(projection)).not.toContain('Hôpital Acme');
    expect(text(projection)).toContain('Pseudonymised victim');
    expectValidBundle(projection);
  });

  it('a translation of a removed free-text field loses that field', () => {
    const terms = agreement({
      recipients: [{ match: { identities: [PARTNER] }, maxTlp: 'amber' }],
      victimProtection: { identities: 'generalise', freeTextFields: ['malware.description'] },
    });
    const malware = {
      type: 'malware',
      spec_version: '2.1',
      id: `malware--${uuid()}`,
      created: T,
      modified: T,
      name: 'Family',
      description: 'Acme Hospital was breached',
      is_family: true,
      object_marking_refs: [CLEAR],
    };
    const lc = {
      ...translation(malware),
      contents: { fr: { description: 'Hôpital Acme a été piraté', name: 'Famille' } },
    };
    const projection = project([malware, lc], terms, { identity: PARTNER }, { now: NOW });
    const out = text(projection);
    expect(out).not.toContain('Acme Hospital was breached');
    expect(out).not.toContain('Hôpital Acme a été piraté');
    expect(out).toContain('Famille');
    const shared = projection.bundle.objects.find((o) => o.type === 'language-content')!;
    const target = projection.bundle.objects.find((o) => o.type === 'malware')!;
    // The translation names the version it translates: the redacted one.
    expect(shared.object_modified).toBe(target.modified);
    expectValidBundle(projection);
  });
});

describe('issue 13 leak 2: a granular field allowed only by two clauses together', () => {
  it('one clause must allow all of a field’s markings at once', () => {
    const terms = agreement({
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
    const tool = {
      type: 'tool',
      spec_version: '2.1',
      id: `tool--${uuid()}`,
      created: T,
      modified: T,
      name: 'Tool',
      description: 'RED-AND-PAP-RED-SECRET',
      object_marking_refs: [CLEAR, PAP_MARKING_IDS['PAP:RED']],
      granular_markings: [{ marking_ref: RED, selectors: ['description'] }],
    };
    const projection = project(
      [tool],
      terms,
      { identity: PARTNER, communities: ['c'], individuals: ['alice'] },
      { now: NOW },
    );
    expect(projection.decisions[0]!.action).toBe('share-redacted');
    expect(text(projection)).not.toContain('RED-AND-PAP-RED-SECRET');
    expectValidBundle(projection);
  });
});

describe('issue 13 leak 3: a generalised class built from a restricted value', () => {
  const cert = exampleAgreement('cert-constituents.yaml');
  const cases: [string, Record<string, unknown>][] = [
    [
      'a granular TLP:RED on sectors',
      { granular_markings: [{ marking_ref: RED, selectors: ['sectors'] }] },
    ],
    [
      'an unknown marking on sectors',
      {
        granular_markings: [
          {
            marking_ref: 'marking-definition--00000000-0000-4000-8000-00000000dead',
            selectors: ['sectors'],
          },
        ],
      },
    ],
  ];
  for (const [what, extra] of cases) {
    it(`never uses sectors under ${what}`, () => {
      const v = victim({ sectors: ['secret-sector'], ...extra });
      const projection = project([v], cert, water, { now: NOW });
      expect(text(projection)).not.toContain('secret-sector');
      expectValidBundle(projection);
    });
  }

  it('never uses sectors the agreement does not allow', () => {
    const terms = agreement({
      recipients: [{ match: { identities: [PARTNER] }, maxTlp: 'amber' }],
      properties: { allow: { identity: ['name', 'identity_class', 'labels'] } },
      victimProtection: { identities: 'generalise' },
    });
    const v = victim({ sectors: ['secret-sector'] });
    const projection = project([v], terms, { identity: PARTNER }, { now: NOW });
    expect(text(projection)).not.toContain('secret-sector');
    expectValidBundle(projection);
  });

  it('the class keeps the most restrictive marking of what it derives from', () => {
    const terms = agreement({
      recipients: [{ match: { identities: [PARTNER] }, maxTlp: 'amber' }],
      victimProtection: { identities: 'generalise' },
    });
    const amber = TLP2_MARKING_IDS['TLP:AMBER'];
    const v = victim({
      sectors: ['energy'],
      granular_markings: [{ marking_ref: amber, selectors: ['sectors'] }],
    });
    const projection = project([v], terms, { identity: PARTNER }, { now: NOW });
    const cls = projection.bundle.objects.find(
      (o) => o.type === 'identity' && o.identity_class === 'class',
    );
    expect(cls?.sectors).toEqual(['energy']);
    expect(cls?.object_marking_refs).toContain(amber);
    expectValidBundle(projection);
  });
});

describe('issue 13 leak 4: a marked marking definition', () => {
  it('a statement marking the recipient may not see is withheld with every object it marks', () => {
    const statement = {
      type: 'marking-definition',
      spec_version: '2.1',
      id: `marking-definition--${uuid()}`,
      created: T,
      definition_type: 'statement',
      definition: { statement: 'SECRET-STATEMENT-TEXT' },
      object_marking_refs: [RED],
    };
    const malware = {
      type: 'malware',
      spec_version: '2.1',
      id: `malware--${uuid()}`,
      created: T,
      modified: T,
      name: 'Family',
      is_family: true,
      object_marking_refs: [CLEAR, statement.id],
    };
    const terms = agreement({
      recipients: [{ match: { identities: [PARTNER] }, maxTlp: 'amber' }],
    });
    const projection = project([statement, malware], terms, { identity: PARTNER }, { now: NOW });
    expect(text(projection)).not.toContain('SECRET-STATEMENT-TEXT');
    expect(projection.bundle.objects.map((o) => o.id)).not.toContain(malware.id);
    const decision = projection.decisions.find((d) => d.id === malware.id);
    expect(decision?.action).toBe('withhold');
    expectValidBundle(projection);
  });

  it('a statement marking the recipient may see travels with the objects', () => {
    const statement = {
      type: 'marking-definition',
      spec_version: '2.1',
      id: `marking-definition--${uuid()}`,
      created: T,
      definition_type: 'statement',
      definition: { statement: 'Copyright Example' },
      object_marking_refs: [CLEAR],
    };
    const malware = {
      type: 'malware',
      spec_version: '2.1',
      id: `malware--${uuid()}`,
      created: T,
      modified: T,
      name: 'Family',
      is_family: true,
      object_marking_refs: [CLEAR, statement.id],
    };
    const terms = agreement({
      recipients: [{ match: { identities: [PARTNER] }, maxTlp: 'amber' }],
    });
    const projection = project([statement, malware], terms, { identity: PARTNER }, { now: NOW });
    expect(text(projection)).toContain('Copyright Example');
    expect(projection.bundle.objects.map((o) => o.id)).toContain(malware.id);
    expectValidBundle(projection);
  });
});

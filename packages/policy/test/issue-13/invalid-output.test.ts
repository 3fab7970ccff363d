// Issue 13, invalid output: every projected bundle parses strictly with zero errors.
import { describe, expect, it } from 'vitest';
import { parseAgreement, project, TLP2_MARKING_IDS } from '../../src/index';
import { agreement, indicator, NOW, OTHER, PARTNER, PROVIDER, uuid } from '../helpers';
import { expectValidBundle, text } from '../strict';

const T = '2026-02-01T00:00:00.000Z';
const CLEAR = TLP2_MARKING_IDS['TLP:CLEAR'];
const RED = TLP2_MARKING_IDS['TLP:RED'];
const terms = agreement({ recipients: [{ match: { identities: [PARTNER] }, maxTlp: 'amber' }] });
const who = { identity: PARTNER };

function family(props: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    type: 'malware',
    spec_version: '2.1',
    id: `malware--${uuid()}`,
    created: T,
    modified: T,
    name: 'Family name',
    is_family: true,
    object_marking_refs: [CLEAR],
    ...props,
  };
}

describe('issue 13: a required property the recipient may not see', () => {
  it('a malware family whose name carries a granular TLP:RED is withheld', () => {
    const m = family({ granular_markings: [{ marking_ref: RED, selectors: ['name'] }] });
    const projection = project([m], terms, who, { now: NOW });
    expect(projection.decisions[0]!.action).toBe('withhold');
    expect(text(projection)).not.toContain('Family name');
    expectValidBundle(projection);
  });

  it('a malware family whose name is denied (or not allowed) is withheld', () => {
    for (const properties of [
      { deny: ['malware.name'] },
      { allow: { malware: ['is_family', 'description'] } },
    ]) {
      const projection = project(
        [family()],
        agreement({
          ...{ recipients: [{ match: { identities: [PARTNER] }, maxTlp: 'amber' }] },
          properties,
        }),
        who,
        { now: NOW },
      );
      expect(projection.decisions[0]!.action).toBe('withhold');
      expectValidBundle(projection);
    }
  });

  it('an observed-data left with neither objects nor object_refs is withheld', () => {
    const ip = {
      type: 'ipv4-addr',
      spec_version: '2.1',
      id: `ipv4-addr--${uuid()}`,
      value: '198.51.100.7',
      object_marking_refs: [CLEAR],
    };
    const observed = {
      type: 'observed-data',
      spec_version: '2.1',
      id: `observed-data--${uuid()}`,
      created: T,
      modified: T,
      first_observed: T,
      last_observed: T,
      number_observed: 1,
      object_refs: [ip.id],
      object_marking_refs: [CLEAR],
      granular_markings: [{ marking_ref: RED, selectors: ['object_refs'] }],
    };
    const projection = project([ip, observed], terms, who, { now: NOW });
    expect(projection.decisions[1]!.action).toBe('withhold');
    expectValidBundle(projection);
  });

  it('a kill_chain_phases entry losing phase_name is dropped whole', () => {
    const m = family({
      kill_chain_phases: [
        { kill_chain_name: 'lockheed-martin-cyber-kill-chain', phase_name: 'SECRET-PHASE' },
        { kill_chain_name: 'lockheed-martin-cyber-kill-chain', phase_name: 'delivery' },
      ],
      granular_markings: [{ marking_ref: RED, selectors: ['kill_chain_phases.[0].phase_name'] }],
    });
    const projection = project([m], terms, who, { now: NOW });
    expect(text(projection)).not.toContain('SECRET-PHASE');
    const shared = projection.bundle.objects.find((o) => o.type === 'malware');
    expect(shared?.kill_chain_phases).toEqual([
      { kill_chain_name: 'lockheed-martin-cyber-kill-chain', phase_name: 'delivery' },
    ]);
    expectValidBundle(projection);
  });

  it('an external_references entry left with only source_name is dropped whole', () => {
    const m = family({
      external_references: [{ source_name: 'vendor', url: 'https://example.com/SECRET-URL' }],
      granular_markings: [{ marking_ref: RED, selectors: ['external_references.[0].url'] }],
    });
    const projection = project([m], terms, who, { now: NOW });
    expect(text(projection)).not.toContain('SECRET-URL');
    const shared = projection.bundle.objects.find((o) => o.type === 'malware');
    expect(shared?.external_references).toBeUndefined();
    expectValidBundle(projection);
  });

  it('`extensions` is never left empty', () => {
    const ext = `extension-definition--${uuid()}`;
    const m = family({
      extensions: { [ext]: { extension_type: 'property-extension', secret: 'SECRET-EXT' } },
      granular_markings: [{ marking_ref: RED, selectors: [`extensions.${ext}`] }],
    });
    const projection = project([m], terms, who, { now: NOW });
    expect(text(projection)).not.toContain('SECRET-EXT');
    const shared = projection.bundle.objects.find((o) => o.type === 'malware');
    expect(shared).toBeDefined();
    expect(shared?.extensions).toBeUndefined();
    expectValidBundle(projection);
  });
});

describe('issue 13: versions, selectors and hostile granular markings', () => {
  it('two versions of one object, both redacted, keep distinct, ordered modified values', () => {
    const id = `indicator--${uuid()}`;
    const v1 = indicator({
      id,
      created_by_ref: PROVIDER,
      modified: '2026-02-01T00:00:00.000Z',
      description: 'SECRET-1',
      object_marking_refs: [CLEAR],
      granular_markings: [{ marking_ref: RED, selectors: ['description'] }],
    });
    const v2 = { ...v1, modified: '2026-02-02T00:00:00.000Z', description: 'SECRET-2' };
    const provider = {
      type: 'identity',
      spec_version: '2.1',
      id: PROVIDER,
      created: T,
      modified: T,
      name: 'Provider',
      identity_class: 'organization',
      object_marking_refs: [CLEAR],
    };
    const projection = project([provider, v1, v2], terms, who, { now: NOW });
    const versions = projection.bundle.objects.filter((o) => o.id === id);
    expect(versions).toHaveLength(2);
    const [a, b] = versions.map((o) => Date.parse(o.modified as string));
    expect(a).not.toBe(b);
    expect(a! < b!).toBe(true);
    expectValidBundle(projection);
  });

  it('no granular selector is left pointing at a removed property', () => {
    const m = family({
      description: 'SECRET-DESC',
      aliases: ['alias-one'],
      granular_markings: [
        { marking_ref: RED, selectors: ['description'] },
        { marking_ref: CLEAR, selectors: ['description', 'aliases'] },
      ],
    });
    const projection = project([m], terms, who, { now: NOW });
    const shared = projection.bundle.objects.find((o) => o.type === 'malware')!;
    expect(JSON.stringify(shared.granular_markings)).not.toContain('description');
    expectValidBundle(projection);
  });

  it('a derived copy (someone else created the object) drops the selector on created_by_ref', () => {
    const m = family({
      created_by_ref: OTHER,
      description: 'SECRET-DESC',
      granular_markings: [
        { marking_ref: RED, selectors: ['description'] },
        { marking_ref: CLEAR, selectors: ['created_by_ref', 'name'] },
      ],
    });
    const other = {
      type: 'identity',
      spec_version: '2.1',
      id: OTHER,
      created: T,
      modified: T,
      name: 'Other',
      identity_class: 'organization',
      object_marking_refs: [CLEAR],
    };
    const projection = project([other, m], terms, who, { now: NOW });
    const shared = projection.bundle.objects.find((o) => o.type === 'malware')!;
    expect(shared.id).not.toBe(m.id);
    expect(shared.created_by_ref).toBeUndefined();
    expect(JSON.stringify(shared.granular_markings)).not.toContain('created_by_ref');
    expectValidBundle(projection);
  });

  it('a hostile granular marking with both lang and marking_ref never passes through', () => {
    const m = family({
      description: 'HOSTILE-DESC',
      granular_markings: [{ lang: 'en', marking_ref: CLEAR, selectors: ['description'] }],
    });
    const projection = project([m], terms, who, { now: NOW });
    expect(text(projection)).not.toContain('"lang"');
    expectValidBundle(projection);
  });
});

describe('issue 13: retention and an allow-list', () => {
  it('parseAgreement reports a `properties.allow.indicator` that omits valid_until under retention', () => {
    expect(() =>
      parseAgreement({
        id: 'r',
        version: '1',
        title: 'R',
        effective: { from: '2026-01-01T00:00:00Z' },
        purposes: ['detection'],
        parties: [
          { identity: PROVIDER, name: 'P', role: 'provider' },
          { identity: PARTNER, name: 'R', role: 'recipient' },
        ],
        recipients: [{ match: { identities: [PARTNER] }, maxTlp: 'green' }],
        retention: { maxDays: 30 },
        properties: { allow: { indicator: ['name', 'pattern'] } },
      }),
    ).toThrow(/properties\.allow\.indicator.*valid_until/s);
  });
});

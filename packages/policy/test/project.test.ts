import { readJsonFixture } from '@intelshare/fixtures';
import { isIntelshareError } from '@intelshare/stix';
import { describe, expect, it } from 'vitest';
import {
  AuditLog,
  agreementMarkingDefinition,
  type Projection,
  project,
  TLP1_MARKING_IDS,
  TLP2_MARKING_IDS,
  verifyAuditChain,
} from '../src/index';
import {
  agreement,
  exampleAgreement,
  indicator,
  markingRefsOf,
  NOW,
  PARTNER,
  PROVIDER,
  referencesOf,
} from './helpers';

type Bundle = { type: 'bundle'; id: string; objects: Record<string, unknown>[] };
const fixture = (path: string) => readJsonFixture<Bundle>(`stix21/cti-documentation/${path}`);

/** The invariants every projection must satisfy. */
function checkInvariants(projection: Projection): void {
  const objects = projection.bundle.objects as Record<string, unknown>[];
  const ids = new Set(objects.map((o) => o.id));
  for (const object of objects) {
    for (const ref of referencesOf(object)) expect(ids, `${object.id} → ${ref}`).toContain(ref);
  }
  for (const ref of markingRefsOf(objects)) expect(ids, `marking ${ref}`).toContain(ref);
}

describe('project', () => {
  const full = agreement({
    recipients: [{ match: { identities: [PARTNER] }, maxTlp: 'red', namedIndividuals: ['alice'] }],
    victimProtection: { identities: 'keep' },
  });

  it('keeps a fully cleared bundle whole, adding the marking definitions it needs and the agreement marking', () => {
    const apt1 = fixture('apt1.json');
    const projection = project(
      apt1,
      full,
      { identity: PARTNER, individuals: ['alice'] },
      { now: NOW },
    );
    checkInvariants(projection);
    expect(projection.decisions.filter((d) => d.action === 'withhold')).toEqual([]);
    const marking = agreementMarkingDefinition(full);
    expect(projection.bundle.objects[0]).toEqual(marking);
    expect(marking.definition).toEqual({
      statement:
        'Shared under sharing agreement "Test agreement" (test-agreement, version 1.0.0). Purposes: detection. Onward sharing is not allowed. Provider attribution: may.',
    });
  });

  it('drops references to withheld objects, and withholds relationships left without an end', () => {
    const bundle = fixture('threat-actor-leveraging-attack-patterns-and-malware.json');
    const green = agreement({ objects: { denyTypes: ['malware'] } });
    const projection = project(bundle, green, { identity: PARTNER }, { now: NOW });
    checkInvariants(projection);
    expect(projection.bundle.objects.some((o) => o.type === 'malware')).toBe(false);
    const relationships = projection.decisions.filter((d) => d.type === 'relationship');
    const dangling = relationships.filter((d) => d.action === 'withhold');
    expect(dangling.length).toBeGreaterThan(0);
    expect(dangling[0]?.reasons.at(-1)).toMatchObject({ rule: 'dangling-reference' });
  });

  it('applies granular redactions as a derived object when someone else created the original', () => {
    const bundle = fixture('using-granular-markings.json');
    const green = agreement({
      recipients: [{ match: { identities: [PARTNER] }, maxTlp: 'green' }],
    });
    const projection = project(bundle, green, { identity: PARTNER }, { now: NOW });
    checkInvariants(projection);
    const original = bundle.objects.find((o) => o.type === 'indicator')!;
    const shared = projection.bundle.objects.find((o) => o.type === 'indicator')!;
    expect(shared.id).not.toBe(original.id);
    expect(shared.description).toBeUndefined();
    expect(shared.indicator_types).toEqual(['malicious-activity']);
    expect(shared.granular_markings).toEqual([
      {
        marking_ref: TLP1_MARKING_IDS['TLP:GREEN'],
        selectors: ['indicator_types.[0]', 'name', 'pattern'],
      },
    ]);
    expect(shared.created).toBe(NOW);
  });

  it('makes a new version (same id, later modified) when the provider created the object', () => {
    const object = indicator({
      created_by_ref: PROVIDER,
      description: 'secret',
      object_marking_refs: [TLP2_MARKING_IDS['TLP:GREEN']],
    });
    const provider = {
      type: 'identity',
      spec_version: '2.1',
      id: PROVIDER,
      created: NOW,
      modified: NOW,
      name: 'Provider',
      identity_class: 'organization',
    };
    const deny = agreement({ properties: { deny: ['description'] } });
    const projection = project([provider, object], deny, { identity: PARTNER }, { now: NOW });
    checkInvariants(projection);
    const shared = projection.bundle.objects.find((o) => o.type === 'indicator')!;
    expect(shared.id).toBe(object.id);
    expect(shared.modified).toBe(NOW);
    expect(Date.parse(shared.modified as string)).toBeGreaterThan(
      Date.parse(object.modified as string),
    );
    expect(shared.object_marking_refs).toContain(agreementMarkingDefinition(deny).id);
    expect(object.description).toBe('secret'); // the input is never modified
  });

  it('generalises victims under the CERT agreement', () => {
    const cert = exampleAgreement('cert-constituents.yaml');
    const sighting = fixture('sighting-of-an-indicator.json');
    const projection = project(
      sighting,
      cert,
      {
        identity: 'identity--2d3e4f5a-6b7c-4d8e-9f0a-1b2c3d4e5f66',
        communities: ['cert-constituency'],
      },
      { now: NOW },
    );
    checkInvariants(projection);
    const text = JSON.stringify(projection.bundle);
    expect(text).not.toContain('identity--5206ba14-478f-4b0b-9a48-395f690c20a2');
    expect(text).not.toContain('Beta Cyber Intelligence Company');
    const klass = projection.bundle.objects.find((o) => o.identity_class === 'class');
    expect(klass).toMatchObject({
      name: 'Organisations in the technology sector',
      sectors: ['technology'],
    });
  });

  it('pseudonymises victims with a keyed hash under the MoU, and is deterministic per key', () => {
    const mou = exampleAgreement('vendor-crime-agency-mou.yaml');
    const sighting = fixture('sighting-of-an-indicator.json');
    const run = (key: string) =>
      project(
        sighting,
        mou,
        {
          identity: 'identity--7e3d9f1a-2b4c-4d6e-8f0a-1b3c5d7e9f22',
          individuals: ['ds-m-lindqvist'],
        },
        { now: NOW, pseudonymKeys: { 'mou-2026-victims': key } },
      );
    const a = run('k1');
    checkInvariants(a);
    expect(JSON.stringify(a.bundle)).not.toContain('Beta Cyber Intelligence Company');
    expect(run('k1').bundle).toEqual(a.bundle);
    const b = run('k2');
    const pseudonymA = a.bundle.objects.find((o) =>
      String(o.name).startsWith('Pseudonymised victim'),
    );
    const pseudonymB = b.bundle.objects.find((o) =>
      String(o.name).startsWith('Pseudonymised victim'),
    );
    expect(pseudonymA?.id).not.toBe(pseudonymB?.id);
    // Without the key the victim cannot be pseudonymised: it is withheld and its references go.
    const noKey = project(
      sighting,
      mou,
      { identity: 'identity--7e3d9f1a-2b4c-4d6e-8f0a-1b3c5d7e9f22' },
      { now: NOW },
    );
    checkInvariants(noKey);
    expect(JSON.stringify(noKey.bundle)).not.toContain(
      'identity--5206ba14-478f-4b0b-9a48-395f690c20a2',
    );
  });

  it('removes victims under the ISAC agreement and never attributes the provider', () => {
    const isac = exampleAgreement('isac-membership.yaml');
    const sighting = fixture('sighting-of-an-indicator.json');
    const fresh = {
      ...sighting,
      objects: sighting.objects.map((o) => ({ ...o, modified: '2026-02-01T00:00:00.000Z' })),
    };
    const projection = project(
      fresh,
      isac,
      {
        identity: 'identity--6b7c8d9e-0f1a-4b2c-8d3e-4f5a6b7c8d00',
        communities: ['fin-isac-members'],
      },
      { now: NOW },
    );
    checkInvariants(projection);
    const text = JSON.stringify(projection.bundle);
    expect(text).not.toContain('identity--5206ba14-478f-4b0b-9a48-395f690c20a2');
    for (const object of projection.bundle.objects) expect(object.created_by_ref).toBeUndefined();
  });

  it('is idempotent and deterministic', () => {
    const cert = exampleAgreement('cert-constituents.yaml');
    const recipient = {
      identity: 'identity--2d3e4f5a-6b7c-4d8e-9f0a-1b2c3d4e5f66',
      communities: ['cert-constituency'],
    };
    for (const name of [
      'apt1.json',
      'poisonivy.json',
      'sighting-of-an-indicator.json',
      'using-granular-markings.json',
    ]) {
      const once = project(fixture(name), cert, recipient, { now: NOW });
      const twice = project(once.bundle, cert, recipient, { now: NOW });
      expect(twice.bundle.objects, name).toEqual(once.bundle.objects);
      expect(project(fixture(name), cert, recipient, { now: NOW }).bundle, name).toEqual(
        once.bundle,
      );
    }
  });

  it('records every projection in the audit log', () => {
    const log = new AuditLog();
    const cert = exampleAgreement('cert-constituents.yaml');
    const projection = project(
      fixture('apt1.json'),
      cert,
      {
        identity: 'identity--2d3e4f5a-6b7c-4d8e-9f0a-1b2c3d4e5f66',
        communities: ['cert-constituency'],
      },
      { now: NOW, audit: log, actor: 'analyst@cert' },
    );
    expect(projection.audit).toMatchObject({
      seq: 0,
      actor: 'analyst@cert',
      agreement: { id: 'cert-constituents', version: '1.4' },
      time: NOW,
    });
    expect(projection.audit?.decisions.length).toBe(projection.decisions.length);
    expect(verifyAuditChain(log.entries()).valid).toBe(true);
  });

  it('refuses input that is not a bundle', () => {
    try {
      project({ type: 'bundle', objects: 'nope' }, full, { identity: PARTNER });
      expect.unreachable();
    } catch (error) {
      expect(isIntelshareError(error) && error.code).toBe('INVALID_ARGUMENT');
      expect((error as Error).message).toMatch(/^objects: `project` expects/);
    }
  });
});

describe('hostile input', () => {
  it('withholds absurdly deep objects instead of overflowing the stack', () => {
    let deep: Record<string, unknown> = {
      leaf_ref: 'identity--00000000-0000-4000-8000-0000000000aa',
    };
    for (let i = 0; i < 20_000; i++) deep = { nested: deep };
    const object = indicator({
      x_deep: deep,
      extensions: { 'extension-definition--00000000-0000-4000-8000-000000000001': deep },
    });
    const projection = project(
      [object, indicator()],
      agreement(),
      { identity: PARTNER },
      { now: NOW },
    );
    expect(projection.decisions.map((d) => d.action)).toEqual(['withhold', 'share']);
    expect(projection.decisions[0]?.reasons.at(-1)?.message).toContain(
      'nested more than 100 levels',
    );
    try {
      project([object], agreement(), { identity: PARTNER }, { now: NOW, audit: new AuditLog() });
      expect.unreachable();
    } catch (error) {
      expect(isIntelshareError(error) && error.code).toBe('LIMIT_EXCEEDED');
    }
  });

  it('never lets a `__proto__` key change a prototype, and removes it with a reason', () => {
    const a = agreement();
    const text = `{"type":"bundle","id":"bundle--00000000-0000-4000-8000-000000000001","objects":[{"type":"indicator","spec_version":"2.1","id":"indicator--00000000-0000-4000-8000-0000000000f1","created":"2026-02-01T00:00:00.000Z","modified":"2026-02-01T00:00:00.000Z","pattern":"[ipv4-addr:value = '198.51.100.1']","pattern_type":"stix","valid_from":"2026-02-01T00:00:00Z","__proto__":{"revoked":true,"polluted":1},"granular_markings":[{"marking_ref":"marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1","selectors":["__proto__.polluted"]}]}]}`;
    const projection = project(JSON.parse(text), a, { identity: PARTNER }, { now: NOW });
    // The selector into `__proto__` cannot be followed, so the object is withheld (fail closed).
    expect(projection.decisions[0]?.action).toBe('withhold');
    const plain = JSON.parse(
      text.replace(
        ',"granular_markings":[{"marking_ref":"marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1","selectors":["__proto__.polluted"]}]',
        '',
      ),
    );
    const shared = project(plain, a, { identity: PARTNER }, { now: NOW });
    expect(shared.decisions[0]?.redactions.map((r) => r.path)).toEqual(['__proto__']);
    const object = shared.bundle.objects.find((o) => o.type === 'indicator')!;
    expect(Object.getPrototypeOf(object)).toBe(Object.prototype);
    expect(object.revoked).toBeUndefined();
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});

describe('markings in projections', () => {
  it('resolves custom definitions from a registry and includes them in the bundle', () => {
    const acs = readJsonFixture<{ objects: Record<string, unknown>[] }>(
      'stix21/cti-stix-common-objects/acs/acs-spec-use-case-1.json',
    ).objects[0]!;
    const a = agreement({ markings: { custom: [{ id: acs.id, treatAs: 'amber' }] } });
    const object = indicator({ object_marking_refs: [acs.id] });
    const without = project([object], a, { identity: PARTNER }, { now: NOW });
    expect(without.decisions[0]?.action).toBe('withhold');
    const withRegistry = project(
      [object],
      a,
      { identity: PARTNER },
      { now: NOW, markingDefinitions: [acs] },
    );
    expect(withRegistry.decisions[0]?.action).toBe('share');
    expect(withRegistry.bundle.objects).toContainEqual(acs);
    checkInvariants(withRegistry);
  });

  it('the TLP 2.0 GREEN example resolves its marking although the bundle lacks it', () => {
    const example = readJsonFixture<Bundle>(
      'stix21/cti-stix-common-objects/tlp2/examples/using-tlp2.0-green.json',
    );
    const a = agreement({
      recipients: [{ match: { identities: [PARTNER] }, maxTlp: 'green' }],
      unmarkedTlp: 'green',
    });
    const projection = project(example, a, { identity: PARTNER }, { now: NOW });
    checkInvariants(projection);
    expect(projection.bundle.objects.map((o) => o.id)).toContain(TLP2_MARKING_IDS['TLP:GREEN']);
    expect(projection.decisions.every((d) => d.action === 'share')).toBe(true);
  });

  it('marks every object with the agreement when asked, and stays idempotent', () => {
    const a = agreement();
    const bundle = fixture('indicator-for-malicious-url.json');
    const once = project(bundle, a, { identity: PARTNER }, { now: NOW, markObjects: 'all' });
    const marking = agreementMarkingDefinition(a).id;
    for (const object of once.bundle.objects) {
      if (object.type !== 'marking-definition')
        expect(object.object_marking_refs).toContain(marking);
    }
    const twice = project(once.bundle, a, { identity: PARTNER }, { now: NOW, markObjects: 'all' });
    expect(twice.bundle.objects).toEqual(once.bundle.objects);
  });
});

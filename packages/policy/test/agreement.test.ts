import { isIntelshareError } from '@intelshare/stix';
import { describe, expect, it } from 'vitest';
import { parseAgreement, renderAgreement, sharingAgreementSchema } from '../src/index';
import { agreement, exampleAgreement, PARTNER, PROVIDER } from './helpers';

function issuesOf(input: unknown): { path: string; message: string }[] {
  try {
    parseAgreement(input);
  } catch (error) {
    expect(isIntelshareError(error)).toBe(true);
    expect((error as { code: string }).code).toBe('POLICY_INVALID');
    return (error as unknown as { issues: { path: string; message: string }[] }).issues;
  }
  throw new Error('expected parseAgreement to throw');
}

describe('example agreements shipped with the package', () => {
  it.each(['vendor-crime-agency-mou.yaml', 'cert-constituents.yaml', 'isac-membership.yaml'])(
    '%s parses and renders',
    (file) => {
      const parsed = exampleAgreement(file);
      expect(sharingAgreementSchema.parse(parsed)).toEqual(parsed);
      const text = renderAgreement(parsed);
      expect(text).toContain(`# ${parsed.title.replace(/[()]/g, (c) => `\\${c}`)}`);
      expect(text).toContain('## Victim protection');
    },
  );

  it('the MoU gives RED to named investigators only', () => {
    const mou = exampleAgreement('vendor-crime-agency-mou.yaml');
    expect(mou.recipients[0]).toMatchObject({
      maxTlp: 'red',
      namedIndividuals: ['det-insp-a-okafor', 'ds-m-lindqvist'],
    });
    expect(mou.victimProtection).toMatchObject({
      identities: 'pseudonymise',
      pseudonymKeyId: 'mou-2026-victims',
    });
  });
});

describe('parseAgreement', () => {
  it('reads JSON text and YAML text alike', () => {
    const a = agreement();
    expect(parseAgreement(JSON.stringify(a))).toEqual(a);
  });

  it('lists every schema issue with its path', () => {
    const issues = issuesOf({
      id: 'bad id!',
      version: 'one',
      title: 'T',
      effective: { from: 'yesterday' },
      purposes: [],
      parties: [{ identity: 'identity--nope', name: 'x', role: 'provider' }],
      recipients: [{ match: {}, maxTlp: 'purple' }],
      surprise: true,
    });
    expect(issues.map((i) => i.path)).toEqual([
      'id',
      'version',
      'parties[0].identity',
      'parties',
      'effective.from',
      'purposes',
      'recipients[0].maxTlp',
      '',
    ]);
    expect(issues.at(-1)?.message).toBe('unknown key(s) `surprise`');
  });

  it('reports contradictory clauses instead of guessing', () => {
    const issues = issuesOf({
      id: 'contradictions',
      version: '1',
      title: 'Contradictions',
      effective: { from: '2026-02-01T00:00:00Z', until: '2026-01-01T00:00:00Z' },
      purposes: ['x'],
      parties: [
        { identity: PROVIDER, name: 'A', role: 'recipient' },
        { identity: PROVIDER, name: 'B', role: 'recipient' },
      ],
      communities: ['c1'],
      recipients: [
        { match: { anyone: true }, maxTlp: 'green' },
        { match: { identities: [PARTNER] }, maxTlp: 'red' },
        { match: { communities: ['c2'] }, maxTlp: 'green', needToKnow: true },
      ],
      objects: { allowTypes: ['indicator'], denyTypes: ['indicator'] },
      conditions: { labels: { anyOf: ['a'], noneOf: ['a'] } },
      onwardSharing: { allowed: false, maxTlp: 'green' },
      providerAttribution: 'must',
      properties: { deny: ['created_by_ref'] },
      victimProtection: { identities: 'pseudonymise' },
      markings: {
        custom: [
          { id: 'marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487', treatAs: 'red' },
        ],
      },
    });
    expect(issues.map((i) => i.path)).toEqual([
      'effective.until',
      'parties[1].identity',
      'parties',
      'recipients[0].maxTlp',
      'recipients[1].namedIndividuals',
      'recipients[2].needToKnow',
      'recipients[2].match.communities',
      'objects.denyTypes[0]',
      'conditions.labels.noneOf[0]',
      'onwardSharing.maxTlp',
      'markings.custom[0].id',
      'victimProtection.pseudonymKeyId',
      'properties.deny',
    ]);
    expect(issues[3]?.message).toBe(
      'grants GREEN to `anyone`, but only TLP:CLEAR may go to anyone (FIRST TLP 2.0)',
    );
  });

  it('refuses malformed and hostile text', () => {
    expect(() => parseAgreement('{ "id": ')).toThrow(/not valid JSON or YAML/);
    expect(() => parseAgreement('x'.repeat(2000), { maxBytes: 1000 })).toThrow(/maxBytes/);
    const bomb = [
      'a: &a ["x","x","x","x","x","x","x","x","x"]',
      ...Array.from(
        { length: 9 },
        (_, i) =>
          `${String.fromCharCode(98 + i)}: &${String.fromCharCode(98 + i)} [*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)}]`,
      ),
    ].join('\n');
    expect(() => parseAgreement(bomb)).toThrow();
    const hostile = JSON.parse(
      `{"__proto__": {"polluted": true}, ${JSON.stringify(agreement()).slice(1)}`,
    );
    expect(issuesOf(hostile)).toEqual([{ path: '', message: 'unknown key(s) `__proto__`' }]);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(() => parseAgreement('id: a\nid: b')).toThrow(/POLICY|JSON or YAML|unique|Map keys/i);
  });

  it('accepts TLP names in any usual spelling and TLP 1.0 WHITE as CLEAR', () => {
    const a = agreement({
      unmarkedTlp: 'TLP:WHITE',
      recipients: [
        { match: { identities: [PARTNER] }, maxTlp: 'TLP:AMBER+STRICT', maxPap: 'PAP:WHITE' },
      ],
    });
    expect(a.unmarkedTlp).toBe('clear');
    expect(a.recipients[0]).toMatchObject({ maxTlp: 'amber+strict', maxPap: 'clear' });
  });
});

describe('renderAgreement', () => {
  it('escapes agreement text so it cannot inject markup', () => {
    const a = agreement({ title: 'Evil <script>alert(1)</script> [link](javascript:x)' });
    const text = renderAgreement(a);
    expect(text).not.toContain('<script>');
    expect(text).toContain('&lt;script&gt;');
    expect(text).not.toContain('](javascript');
  });
});

// Issue 19: lookups keyed by attacker-controlled strings must never reach
// `Object.prototype`. An object whose `type` is `constructor`, `toString`… with a TLP
// marking made `project()` throw an untyped TypeError, so one POST broke every partner's view.
import { describe, expect, it } from 'vitest';
import { evaluate, mispTagsToMarkings, project, TLP2_MARKING_IDS } from '../src/index';
import { agreement, indicator, NOW, PARTNER, uuid } from './helpers';

const PROTOTYPE_NAMES = [
  'constructor',
  'toString',
  'valueOf',
  'hasOwnProperty',
  '__proto__',
  'isPrototypeOf',
  'propertyIsEnumerable',
  'toLocaleString',
];

function hostile(type: string): Record<string, unknown> {
  const object: Record<string, unknown> = {
    spec_version: '2.1',
    id: `${type}--${uuid()}`,
    created: '2026-02-01T00:00:00.000Z',
    modified: '2026-02-01T00:00:00.000Z',
    name: 'hostile',
    object_marking_refs: [TLP2_MARKING_IDS['TLP:GREEN']],
  };
  // JSON.parse makes `type` an own property even when it is called `__proto__`.
  return { type, ...object };
}

describe('object types named after Object.prototype members', () => {
  const terms = agreement();

  for (const type of PROTOTYPE_NAMES) {
    it(`withholds a TLP-marked \`${type}\` object with a reason and keeps the rest`, () => {
      const good = indicator({ object_marking_refs: [TLP2_MARKING_IDS['TLP:GREEN']] });
      const bad = hostile(type);
      const projection = project([bad, good], terms, { identity: PARTNER }, { now: NOW });
      const [badDecision, goodDecision] = projection.decisions;
      expect(badDecision!.action).toBe('withhold');
      expect(
        badDecision!.reasons.some((r) => r.effect === 'deny' && r.rule === 'object-type'),
      ).toBe(true);
      expect(badDecision!.whyNot?.length).toBeGreaterThan(0);
      expect(goodDecision!.action).toBe('share');
      const ids = projection.bundle.objects.map((o) => o.id);
      expect(ids).toContain(good.id);
      expect(ids).not.toContain(bad.id);
    });
  }

  it('parses the hostile object from JSON text (own `__proto__` type) without throwing', () => {
    const text = `[{"type":"__proto__","spec_version":"2.1","id":"x--${uuid()}","created":"2026-02-01T00:00:00.000Z","modified":"2026-02-01T00:00:00.000Z","object_marking_refs":["${TLP2_MARKING_IDS['TLP:GREEN']}"]}]`;
    const projection = project(JSON.parse(text), terms, { identity: PARTNER }, { now: NOW });
    expect(projection.decisions[0]!.action).toBe('withhold');
  });

  it('shares a custom type only when the agreement names it in `objects.allowTypes`', () => {
    const custom = hostile('constructor');
    const named = agreement({ objects: { allowTypes: ['constructor', 'indicator'] } });
    expect(evaluate(named, { identity: PARTNER }, custom, { now: NOW }).action).toBe('share');
    expect(evaluate(terms, { identity: PARTNER }, custom, { now: NOW }).action).toBe('withhold');
  });

  it('does not read a pseudonym key from Object.prototype when the key id is `constructor`', () => {
    const terms2 = agreement({
      victimProtection: { identities: 'pseudonymise', pseudonymKeyId: 'constructor' },
    });
    const victim = {
      type: 'identity',
      spec_version: '2.1',
      id: `identity--${uuid()}`,
      created: '2026-02-01T00:00:00.000Z',
      modified: '2026-02-01T00:00:00.000Z',
      name: 'Acme Hospital',
      labels: ['victim'],
      object_marking_refs: [TLP2_MARKING_IDS['TLP:GREEN']],
    };
    const decision = evaluate(terms2, { identity: PARTNER }, victim, {
      now: NOW,
      pseudonymKeys: {},
    });
    expect(decision.action).toBe('withhold');
    expect(decision.reasons.at(-1)!.message).toContain('no key `constructor` was supplied');
  });

  it('reads MISP tags named after prototype members as unreadable or ignores them', () => {
    const result = mispTagsToMarkings([
      'tlp:constructor',
      'pap:__proto__',
      'iep2-policy:constructor="x"',
      'iep2-policy:__proto__="x"',
    ]);
    expect(result.markingRefs).toEqual([]);
    expect(result.unreadable).toEqual(expect.arrayContaining(['tlp:constructor', 'pap:__proto__']));
  });
});

// Projection stages (src/project/stages/*) seen through `project`, one block per stage
// whose behaviour the issue-13 tests do not already pin down.
import { describe, expect, it } from 'vitest';
import { project, TLP2_MARKING_IDS } from '../../src/index';
import { agreement, indicator, NOW, PARTNER, PROVIDER, uuid } from '../helpers';
import { expectValidBundle } from '../strict';

const CLEAR = TLP2_MARKING_IDS['TLP:CLEAR'];
const terms = agreement({ recipients: [{ match: { identities: [PARTNER] }, maxTlp: 'amber' }] });
const who = { identity: PARTNER };

describe('stage: check (strict validity of the output)', () => {
  it('withholds an invalid input object with the validator’s path, and what references it', () => {
    const bad = indicator({
      pattern: "[ipv4-addr:value = '1.2.3.4'",
      object_marking_refs: [CLEAR],
    });
    const sighting = {
      type: 'sighting',
      spec_version: '2.1',
      id: `sighting--${uuid()}`,
      created: '2026-02-01T00:00:00.000Z',
      modified: '2026-02-01T00:00:00.000Z',
      sighting_of_ref: bad.id,
      object_marking_refs: [CLEAR],
    };
    const projection = project([bad, sighting], terms, who, { now: NOW });
    const [d1, d2] = projection.decisions;
    expect(d1!.action).toBe('withhold');
    expect(d1!.reasons.at(-1)!.message).toContain('`pattern`');
    expect(d2!.action).toBe('withhold');
    expectValidBundle(projection);
  });

  it('custom properties kept by the agreement withhold the object unless the recipient allows custom content', () => {
    const keep = agreement({
      recipients: [{ match: { identities: [PARTNER] }, maxTlp: 'amber' }],
      victimProtection: { customProperties: 'keep' },
    });
    const object = indicator({ x_vendor: 'v', object_marking_refs: [CLEAR] });
    expect(project([object], keep, who, { now: NOW }).decisions[0]!.action).toBe('withhold');
    const allowed = project([object], keep, who, { now: NOW, allowCustom: true });
    expect(allowed.decisions[0]!.action).toBe('share');
    expectValidBundle(allowed, true);
  });
});

describe('stage: mark (versions)', () => {
  it('withholds the second of two input versions with the same modified time', () => {
    const v1 = indicator({ created_by_ref: PROVIDER, object_marking_refs: [CLEAR], name: 'a' });
    const v2 = { ...v1, name: 'b' };
    const projection = project([v1, v2], terms, who, { now: NOW });
    expect(projection.decisions[0]!.action).not.toBe('withhold');
    expect(projection.decisions[1]!.action).toBe('withhold');
    expect(projection.decisions[1]!.reasons.at(-1)!.rule).toBe('versioning');
    expectValidBundle(projection);
  });
});

describe('stage: select (marking definitions)', () => {
  it('reports a withheld marking definition among the decisions', () => {
    const statement = {
      type: 'marking-definition',
      spec_version: '2.1',
      id: `marking-definition--${uuid()}`,
      created: '2026-02-01T00:00:00.000Z',
      definition_type: 'statement',
      definition: { statement: 'secret' },
      object_marking_refs: [TLP2_MARKING_IDS['TLP:RED']],
    };
    const projection = project([statement], terms, who, { now: NOW });
    expect(projection.decisions).toHaveLength(1);
    expect(projection.decisions[0]).toMatchObject({
      type: 'marking-definition',
      action: 'withhold',
    });
  });
});

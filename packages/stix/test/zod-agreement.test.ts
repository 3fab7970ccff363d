import { readFixture } from '@intelshare/fixtures';
import { describe, expect, it } from 'vitest';
import { type Indicator, indicatorSchema, parseStix, schemaFor } from '../src/index';
import { STIX_TYPE_NAMES_FOR_TESTS } from './support/exports';
import { ATTACK_BUNDLES, stix21ContentFiles } from './support/fixture-files';
import { indicator } from './support/valid-objects';

// The zod schemas are the source of truth for types and docs; the hand-written fast
// validator must agree with them on real data.
describe('zod schemas agree with the fast validator', () => {
  it('every typed object of every fixture passes its zod schema', () => {
    let checked = 0;
    for (const file of [...stix21ContentFiles(), ...ATTACK_BUNDLES]) {
      const result = parseStix(readFixture(file), { allowCustom: true });
      for (const object of result.objects) {
        const def = STIX_TYPE_NAMES_FOR_TESTS.get(object.type);
        if (!def) continue;
        const parsed = def.schema.safeParse(object);
        expect(parsed.success ? [] : parsed.error.issues, `${file} ${object.id}`).toEqual([]);
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(4000);
  });

  it('zod rejects what the fast validator rejects (cross-property rules included)', () => {
    const bad = { ...indicator(), valid_until: '2015-01-01T00:00:00Z' };
    expect(parseStix(bad).valid).toBe(false);
    const parsed = indicatorSchema.safeParse(bad);
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues[0]?.message).toMatch(/^TIMESTAMP_ORDER/);
  });

  it('zod output is typed and keeps custom properties (loose objects)', () => {
    const value: Indicator = indicatorSchema.parse({ ...indicator(), x_acme: 1 });
    expect(value.pattern_type).toBe('stix');
    expect(value.x_acme).toBe(1);
    expect(schemaFor('indicator').safeParse(value).success).toBe(true);
  });
});

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseBundle } from '../src/lib/parse-bundle';
import { summarizeBundle } from '../src/lib/summarize-bundle';
import { DEMO_BUNDLES, expectedCounts } from './helpers/expected-counts';

describe('parseBundle (parseStix, strict, custom allowed)', () => {
  it.each(DEMO_BUNDLES)('accepts every object of $file', ({ file, fixture }) => {
    const text = readFileSync(new URL(`../data/${file}`, import.meta.url), 'utf8');
    const parsed = parseBundle(text);
    const expected = expectedCounts(fixture);
    expect(parsed.valid).toBe(true);
    expect(parsed.objects).toHaveLength(expected.objects);
    const summary = summarizeBundle(file, parsed);
    expect(new Map(summary.byType.map((row) => [row.type, row.count]))).toEqual(expected.byType);
  });

  it('reports broken input as issues with paths instead of throwing', () => {
    const broken = parseBundle(
      JSON.stringify({
        type: 'bundle',
        id: 'bundle--6f1e8c2a-4d3b-4a51-9c2e-1f0a9b8c7d6e',
        objects: [
          {
            type: 'malware',
            spec_version: '2.1',
            id: 'malware--0c7b5b88-8ff7-4a4d-aa9d-feb398cd0061',
            created: 'yesterday',
            modified: '2016-05-12T08:17:27.000Z',
            name: '<script>alert(1)</script>',
            is_family: false,
          },
        ],
      }),
    );
    expect(broken.valid).toBe(false);
    expect(broken.issues.some((issue) => issue.path.startsWith('objects[0]'))).toBe(true);
    const summary = summarizeBundle('broken.json', broken);
    expect(summary.errorCount).toBeGreaterThan(0);

    const notJson = parseBundle('{"type": "bundle", ');
    expect(notJson).toMatchObject({ valid: false, objects: [] });
    expect(notJson.issues[0]?.code).toBe('INVALID_JSON');
  });
});

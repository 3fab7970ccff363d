import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { publicEntryPoints } from '../scripts/entry-points.mjs';
import { generateChangelog, parseChangeset } from '../scripts/generate-changelog.mjs';

const scratch = mkdtempSync(join(tmpdir(), 'docs-changelog-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('changelog pages', () => {
  it('reads a changeset: packages with bump types, then the summary', () => {
    const text =
      '---\n"@intelshare/policy": minor\n\'@intelshare/stix\': patch\n---\n\nAdds `project`.\n';
    expect(parseChangeset(text, 'a.md')).toEqual({
      releases: [
        { name: '@intelshare/policy', type: 'minor' },
        { name: '@intelshare/stix', type: 'patch' },
      ],
      summary: 'Adds `project`.',
    });
    expect(parseChangeset('---\n---\n', 'empty.md')).toEqual({ releases: [], summary: '' });
  });

  it('names the file and line of a malformed changeset', () => {
    expect(() => parseChangeset('## "@intelshare/stix": minor\n\nText', 'x.md')).toThrow(
      'x.md: a changeset starts with front matter between two `---` lines.',
    );
    expect(() => parseChangeset('---\n"@intelshare/stix": huge\n---\n', 'y.md')).toThrow(
      'y.md: `@intelshare/stix` has bump type `huge`; use major, minor or patch.',
    );
    expect(() => parseChangeset('---\nnot a mapping\n---\n', 'z.md')).toThrow(/^z\.md:2: expected/);
  });

  it('every pending changeset is well-formed, and every public package has a page', () => {
    const result = generateChangelog(scratch);
    expect(result.problems).toEqual([]);
    const packages = new Set(publicEntryPoints().map((entry) => entry.packageName));
    expect(result.packages).toBe(packages.size);
    for (const name of packages) {
      const page = join(scratch, `${name.replace('@intelshare/', '')}.md`);
      expect(existsSync(page), page).toBe(true);
      expect(readFileSync(page, 'utf8')).toContain('## Unreleased');
    }
  });
});

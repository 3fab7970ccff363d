// Changelog pages, generated at build time from the pending changesets
// (`.changeset/*.md`) and each published package's CHANGELOG.md, so the site always
// says what the next release holds and what past releases did.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { docsRoot, publicEntryPoints, repoRoot, syncDir } from './entry-points.mjs';

const BUMP_ORDER = /** @type {const} */ (['major', 'minor', 'patch']);
const BUMP_TITLE = { major: 'Major changes', minor: 'Minor changes', patch: 'Patch changes' };

/**
 * Parses one changeset file: YAML front matter mapping package names to bump types,
 * then a Markdown summary.
 * @param {string} text
 * @param {string} file for error messages
 * @returns {{ releases: { name: string, type: string }[], summary: string }}
 */
export function parseChangeset(text, file) {
  const match = /^---\r?\n(?:([\s\S]*?)\r?\n)?---(?:\r?\n([\s\S]*))?$/.exec(text);
  if (!match)
    throw new Error(`${file}: a changeset starts with front matter between two \`---\` lines.`);
  const releases = [];
  // Changesets front matter is a flat YAML map of `"package": bump` lines.
  for (const [index, raw] of (match[1] ?? '').split(/\r?\n/).entries()) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const entry = /^(["']?)([^"':]+)\1\s*:\s*(["']?)(\w+)\3$/.exec(line);
    if (!entry) {
      throw new Error(
        `${file}:${index + 2}: expected \`"package": major|minor|patch\`, got \`${line}\`.`,
      );
    }
    const name = entry[2];
    const type = entry[4];
    if (!BUMP_ORDER.includes(type) && type !== 'none') {
      throw new Error(`${file}: \`${name}\` has bump type \`${type}\`; use major, minor or patch.`);
    }
    releases.push({ name, type });
  }
  return { releases, summary: (match[2] ?? '').trim() };
}

/** Demotes Markdown headings so user text never outranks the page's own sections. */
function demoteHeadings(markdown, minLevel) {
  let inFence = false;
  return markdown
    .split('\n')
    .map((line) => {
      if (/^\s*(```|~~~)/.test(line)) inFence = !inFence;
      if (inFence) return line;
      const heading = /^(#{1,6})(\s.*)$/.exec(line);
      if (!heading) return line;
      const level = Math.min(6, heading[1].length + minLevel - 1);
      return `${'#'.repeat(level)}${heading[2]}`;
    })
    .join('\n');
}

/** Indents continuation lines so a multi-line summary stays inside its list item. */
function asListItem(summary) {
  const [first = '', ...rest] = summary.split('\n');
  return [`- ${first}`, ...rest.map((line) => (line.trim() === '' ? '' : `  ${line}`))].join('\n');
}

function packageSlug(name) {
  return name.replace(/^@intelshare\//, '');
}

/**
 * Writes `src/content/docs/changelog/` (an overview plus one page per public package).
 * @param {string} [outDir] where to write (tests use a scratch directory)
 * @returns {{ packages: number, pending: number, problems: string[] }}
 */
export function generateChangelog(outDir = join(docsRoot, 'src/content/docs/changelog')) {
  const out = new Map();

  const packages = new Map();
  for (const entry of publicEntryPoints()) {
    if (!packages.has(entry.packageName)) {
      packages.set(entry.packageName, { dir: entry.packageDir, pending: [] });
    }
  }

  const changesetDir = join(repoRoot, '.changeset');
  const files = existsSync(changesetDir)
    ? readdirSync(changesetDir)
        .filter((f) => f.endsWith('.md') && f !== 'README.md')
        .sort()
    : [];
  let pending = 0;
  /** Changesets that cannot be read: reported (and failed by the docs tests), not fatal here. */
  const problems = [];
  for (const file of files) {
    let parsed;
    try {
      parsed = parseChangeset(readFileSync(join(changesetDir, file), 'utf8'), `.changeset/${file}`);
    } catch (error) {
      problems.push(error instanceof Error ? error.message : String(error));
      continue;
    }
    const { releases, summary } = parsed;
    for (const release of releases) {
      const target = packages.get(release.name);
      if (!target || release.type === 'none') continue;
      target.pending.push({ type: release.type, summary: demoteHeadings(summary, 4), file });
      pending += 1;
    }
  }

  const overview = [
    '---',
    'title: Changelog',
    'description: What changed in each intelshare package, and what the next release holds.',
    'sidebar:',
    '  order: 0',
    '---',
    '',
    'Each package is versioned on its own with [Changesets](https://github.com/changesets/changesets).',
    'These pages are generated when the site is built: **Unreleased** lists the changesets',
    "waiting for the next release, and the sections below it come from the package's",
    '`CHANGELOG.md`.',
    '',
    '| Package | Pending changes | Released versions |',
    '| --- | --- | --- |',
  ];

  for (const [name, info] of packages) {
    const slug = packageSlug(name);
    const changelogPath = join(info.dir, 'CHANGELOG.md');
    const released = existsSync(changelogPath)
      ? readFileSync(changelogPath, 'utf8')
          .replace(/^#\s+.*\n/, '')
          .trim()
      : '';
    const versions = (released.match(/^##\s+\S+/gm) ?? []).length;
    overview.push(`| [\`${name}\`](/changelog/${slug}/) | ${info.pending.length} | ${versions} |`);

    const page = [
      '---',
      `title: ${JSON.stringify(name)}`,
      `description: ${JSON.stringify(`Release notes of ${name}.`)}`,
      '---',
      '',
      `Release notes of \`${name}\`, newest first.`,
      '',
      '## Unreleased',
      '',
    ];
    if (info.pending.length === 0) {
      page.push('No pending changesets: the next release of this package has no changes yet.', '');
    }
    for (const type of BUMP_ORDER) {
      const items = info.pending.filter((p) => p.type === type);
      if (items.length === 0) continue;
      page.push(`### ${BUMP_TITLE[type]}`, '');
      for (const item of items) page.push(asListItem(item.summary), '');
    }
    if (released) page.push(demoteHeadings(released, 2), '');
    out.set(`${slug}.md`, `${page.join('\n')}\n`);
  }
  out.set('index.md', `${overview.join('\n')}\n`);
  syncDir(outDir, out);
  return { packages: packages.size, pending, problems };
}

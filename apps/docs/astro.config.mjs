// @ts-check
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import starlight from '@astrojs/starlight';
import { defineConfig } from 'astro/config';
import starlightTypeDoc, { typeDocSidebarGroup } from 'starlight-typedoc';
import { docsRoot, repoRoot, writeTypedocEntries } from './scripts/entry-points.mjs';
import { generateAgreementPages } from './scripts/generate-agreements.mjs';
import { generateChangelog } from './scripts/generate-changelog.mjs';

// Generated content (gitignored): regenerated on every build so it never drifts.
const typedoc = writeTypedocEntries();
const changelog = generateChangelog();
for (const problem of changelog.problems) {
  // Not fatal for the site; `pnpm --filter docs test` fails on it (test/changelog.test.ts).
  console.warn(`[changelog] skipped ${problem}`);
}
const agreementPages = generateAgreementPages();

const docsDir = join(docsRoot, 'src/content/docs');

/** Whether a content folder holds at least one page. */
function hasPages(dir) {
  return (
    existsSync(dir) && readdirSync(dir, { recursive: true }).some((f) => /\.mdx?$/.test(String(f)))
  );
}

/** One sidebar group per package area; package engineers add pages to these folders. */
const packageGroups = [
  { label: '@intelshare/stix', directory: 'stix' },
  { label: 'Patterns & matching', directory: 'patterns' },
  { label: '@intelshare/policy', directory: 'policy' },
  { label: '@intelshare/feeds', directory: 'feeds' },
  { label: '@intelshare/taxii-server', directory: 'taxii-server' },
  { label: '@intelshare/cli', directory: 'cli' },
]
  // A folder with no page yet gets no (empty) group; it appears once a page lands.
  .filter(({ directory }) => hasPages(join(docsDir, directory)))
  .map(({ label, directory }) => ({ label, collapsed: true, autogenerate: { directory } }));

export default defineConfig({
  site: 'https://intelshare.dev',
  output: 'static',
  trailingSlash: 'always',
  integrations: [
    starlight({
      title: 'intelshare',
      description:
        'A TypeScript SDK for sharing cyber-threat intelligence under agreements: STIX 2.1, TAXII 2.1, TLP 2.0, PAP and IEP.',
      social: [
        { icon: 'github', label: 'GitHub', href: 'https://github.com/intelshare/intelshare' },
      ],
      editLink: { baseUrl: 'https://github.com/intelshare/intelshare/edit/main/apps/docs/' },
      lastUpdated: false,
      // Hundreds of short generated API pages would otherwise outrank the guides and
      // concepts pages that explain a term, so page length counts for less.
      pagefind: { ranking: { pageLength: 0.1 } },
      plugins: [
        starlightTypeDoc({
          entryPoints: typedoc.entryPoints,
          tsconfig: typedoc.tsconfig,
          output: 'api',
          sidebar: { label: 'API reference', collapsed: true },
          typeDoc: {
            name: 'API reference',
            // Module pages are named `overview.md`: starlight-typedoc deletes nested
            // README.md files and would link `index.md` pages to `…/index/`.
            entryFileName: 'overview',
            // The packages are written concurrently; a type error in one of them must
            // not stop the reference of the others from building (tsc checks that).
            skipErrorChecking: true,
            excludeExternals: true,
            disableGit: true,
            basePath: repoRoot,
            sourceLinkTemplate: 'https://github.com/intelshare/intelshare/blob/main/{path}#L{line}',
          },
        }),
      ],
      sidebar: [
        {
          label: 'Start here',
          items: [
            { label: 'Overview', slug: 'index' },
            { label: 'Getting started', slug: 'getting-started' },
          ],
        },
        { label: 'Concepts', autogenerate: { directory: 'concepts' } },
        { label: 'Guides', autogenerate: { directory: 'guides' } },
        ...(agreementPages > 0
          ? [
              {
                label: 'Example agreements',
                collapsed: true,
                autogenerate: { directory: 'agreements' },
              },
            ]
          : []),
        ...packageGroups,
        typeDocSidebarGroup,
        { label: 'Changelog', collapsed: true, autogenerate: { directory: 'changelog' } },
      ],
    }),
  ],
});

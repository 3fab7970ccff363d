// Checks every internal link and #anchor of the built site (`dist/`): each must lead to
// a file that exists and, for anchors, to an element with that id on the target page.
// Run after `astro build`: `node scripts/check-links.mjs`.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, posix, relative, sep } from 'node:path';
import { pathToFileURL } from 'node:url';
import { docsRoot } from './entry-points.mjs';

/** Decodes the few HTML entities that appear in attribute values. */
function decodeEntities(value) {
  return value
    .replace(/&#x([0-9a-f]+);/gi, (_, hex) => String.fromCodePoint(Number.parseInt(hex, 16)))
    .replace(/&#(\d+);/g, (_, dec) => String.fromCodePoint(Number(dec)))
    .replaceAll('&quot;', '"')
    .replaceAll('&#39;', "'")
    .replaceAll('&lt;', '<')
    .replaceAll('&gt;', '>')
    .replaceAll('&amp;', '&');
}

/** All `.html` files under a directory. */
export function listHtml(dir) {
  const out = [];
  for (const name of readdirSync(dir).sort()) {
    const full = join(dir, name);
    if (statSync(full).isDirectory()) out.push(...listHtml(full));
    else if (name.endsWith('.html')) out.push(full);
  }
  return out;
}

/** The URL path a built file is served at: `dist/a/b/index.html` → `/a/b/`. */
export function urlPathOf(distDir, file) {
  const rel = relative(distDir, file).split(sep).join('/');
  if (rel === 'index.html') return '/';
  if (rel.endsWith('/index.html')) return `/${rel.slice(0, -'index.html'.length)}`;
  return `/${rel}`;
}

/** The ids (and legacy `<a name>`s) one HTML page defines. */
export function idsOf(html) {
  const ids = new Set();
  for (const m of html.matchAll(/\s(?:id|name)\s*=\s*("([^"]*)"|'([^']*)')/g)) {
    ids.add(decodeEntities(m[2] ?? m[3] ?? ''));
  }
  return ids;
}

/** The link targets of one HTML page: `href` of `<a>`/`<link>`, `src` of `<img>`/`<script>`. */
export function linksOf(html) {
  const links = [];
  // Code blocks may show HTML as text; that text is escaped, so real tags are safe to scan.
  for (const tag of html.matchAll(/<(a|link|img|script|source|iframe)\b([^>]*)>/gi)) {
    const attrs = tag[2] ?? '';
    const attr = /\s(href|src)\s*=\s*("([^"]*)"|'([^']*)')/i.exec(attrs);
    if (!attr) continue;
    const rel = /\srel\s*=\s*"([^"]*)"/i.exec(attrs)?.[1] ?? '';
    // Resource hints and canonical/alternate URLs point at the public origin, not at files.
    if (/\b(preconnect|dns-prefetch|canonical|alternate|sitemap)\b/.test(rel)) continue;
    links.push(decodeEntities(attr[3] ?? attr[4] ?? ''));
  }
  return links;
}

function resolveFile(distDir, pathname) {
  const clean = pathname.replace(/^\/+/, '');
  const candidates = pathname.endsWith('/')
    ? [join(distDir, clean, 'index.html')]
    : [join(distDir, clean), join(distDir, clean, 'index.html'), join(distDir, `${clean}.html`)];
  return candidates.find((c) => existsSync(c) && statSync(c).isFile());
}

/**
 * Checks every internal link and anchor under `distDir`.
 * @param {string} [distDir]
 * @returns {{ pages: number, links: number, broken: { page: string, href: string, reason: string }[] }}
 */
export function checkLinks(distDir = join(docsRoot, 'dist')) {
  const files = listHtml(distDir);
  const idCache = new Map();
  const idsFor = (file) => {
    let ids = idCache.get(file);
    if (!ids) {
      ids = idsOf(readFileSync(file, 'utf8'));
      idCache.set(file, ids);
    }
    return ids;
  };
  const broken = [];
  let checked = 0;
  for (const file of files) {
    const html = readFileSync(file, 'utf8');
    const pageUrl = urlPathOf(distDir, file);
    for (const href of linksOf(html)) {
      if (href === '' || /^(?:[a-z][a-z0-9+.-]*:|\/\/)/i.test(href)) continue; // external, mailto:, data:
      checked += 1;
      const [pathAndQuery = '', rawHash] = href.split('#', 2);
      const pathPart = pathAndQuery.split('?', 1)[0] ?? '';
      let target = file;
      if (pathPart !== '') {
        let decoded;
        try {
          decoded = decodeURIComponent(pathPart);
        } catch {
          broken.push({ page: pageUrl, href, reason: 'malformed percent-encoding' });
          continue;
        }
        const absolute = decoded.startsWith('/')
          ? posix.normalize(decoded)
          : posix.join(pageUrl.endsWith('/') ? pageUrl : posix.dirname(pageUrl), decoded);
        const resolved = resolveFile(distDir, absolute);
        if (!resolved) {
          broken.push({ page: pageUrl, href, reason: `no file for ${absolute}` });
          continue;
        }
        target = resolved;
      }
      if (rawHash !== undefined && rawHash !== '' && target.endsWith('.html')) {
        const id = decodeURIComponent(rawHash);
        // `#top` is defined by HTML itself (scrolls to the top of the document).
        if (id !== 'top' && !idsFor(target).has(id)) {
          broken.push({ page: pageUrl, href, reason: `no element with id "${id}"` });
        }
      }
    }
  }
  return { pages: files.length, links: checked, broken };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const result = checkLinks();
  for (const b of result.broken) console.error(`${b.page}  ${b.href}  (${b.reason})`);
  console.log(
    `${result.links} internal links in ${result.pages} pages: ${result.broken.length} broken.`,
  );
  process.exitCode = result.broken.length === 0 ? 0 : 1;
}

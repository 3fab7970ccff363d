// One page per example sharing agreement shipped in `packages/policy/agreements/`,
// generated at build time so each page shows the file exactly as it is in the repository.
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { docsRoot, repoRoot, syncDir } from './entry-points.mjs';

const SOURCE_DIR = 'packages/policy/agreements';

const upperTlp = (level) => (typeof level === 'string' ? `TLP:${level.toUpperCase()}` : '—');
const upperPap = (level) =>
  typeof level === 'string' ? `PAP:${level.toUpperCase()}` : 'PAP:CLEAR';
const cell = (value) => String(value).replaceAll('|', '\\|').replaceAll('\n', ' ');
const list = (values) =>
  Array.isArray(values) && values.length > 0 ? values.map((v) => `\`${v}\``).join(', ') : '';

/** Describes a recipient clause's `match` in words. */
function describeMatch(match = {}, partyNames) {
  const parts = [];
  if (match.anyone) parts.push('anyone');
  if (match.identities?.length) {
    parts.push(match.identities.map((id) => partyNames.get(id) ?? `\`${id}\``).join(', '));
  }
  if (match.communities?.length) parts.push(`members of ${list(match.communities)}`);
  if (match.clientsOf?.length) {
    parts.push(
      `clients of ${match.clientsOf.map((id) => partyNames.get(id) ?? `\`${id}\``).join(', ')}`,
    );
  }
  return parts.join('; ') || 'nobody';
}

/** The `#` comment lines at the top of a YAML file, as a paragraph. */
function leadingComment(text) {
  const lines = [];
  for (const line of text.split(/\r?\n/)) {
    if (!line.startsWith('#')) break;
    lines.push(line.replace(/^#\s?/, ''));
  }
  return lines.join(' ').trim();
}

/**
 * Writes `src/content/docs/agreements/`: an overview and one page per agreement file.
 * @returns {number} the number of agreement pages written
 */
export function generateAgreementPages() {
  const outDir = join(docsRoot, 'src/content/docs/agreements');
  const sourceDir = join(repoRoot, SOURCE_DIR);
  const files = existsSync(sourceDir)
    ? readdirSync(sourceDir)
        .filter((f) => /\.(ya?ml|json)$/.test(f))
        .sort()
    : [];
  if (files.length === 0) {
    rmSync(outDir, { recursive: true, force: true });
    return 0;
  }
  const out = new Map();

  const rows = [];
  for (const file of files) {
    const text = readFileSync(join(sourceDir, file), 'utf8');
    let doc;
    try {
      doc = parseYaml(text);
    } catch (error) {
      throw new Error(`${SOURCE_DIR}/${file}: not valid YAML (${error.message}).`);
    }
    if (typeof doc !== 'object' || doc === null || typeof doc.id !== 'string') {
      throw new Error(`${SOURCE_DIR}/${file}: an agreement is a mapping with an \`id\`.`);
    }
    const slug = file.replace(/\.(ya?ml|json)$/, '');
    const intro = leadingComment(text) || doc.description || '';
    const partyNames = new Map((doc.parties ?? []).map((p) => [p.identity, p.name]));
    const vp = doc.victimProtection ?? {};
    const conditions = doc.conditions ?? {};

    const page = [
      '---',
      `title: ${JSON.stringify(doc.title ?? doc.id)}`,
      `description: ${JSON.stringify(`Example sharing agreement ${doc.id} version ${doc.version}, between ${(doc.parties ?? []).map((p) => p.name).join(', ')}.`)}`,
      '---',
      '',
      intro,
      '',
      `This agreement ships with intelshare as \`${SOURCE_DIR}/${file}\`; it is tested with the`,
      'policy package. Copy it as a starting point for your own. Read',
      '[Sharing agreements and victim protection](/concepts/agreements/) for what each clause means.',
      '',
      '## Parties',
      '',
      '| Party | Role | STIX identity |',
      '| --- | --- | --- |',
      ...(doc.parties ?? []).map((p) => `| ${cell(p.name)} | ${p.role} | \`${p.identity}\` |`),
      '',
      `In force from ${doc.effective?.from ?? '—'}${doc.effective?.until ? ` until ${doc.effective.until}` : ''}, for: ${(doc.purposes ?? []).join(', ')}.`,
      '',
      '## Who receives what',
      '',
      '| Clause | Applies to | Highest TLP | PAP honoured | Notes |',
      '| --- | --- | --- | --- | --- |',
      ...(doc.recipients ?? []).map((r, i) => {
        const notes = [];
        if (r.needToKnow) notes.push('clients with a need to know');
        if (r.namedIndividuals?.length) notes.push(`named: ${r.namedIndividuals.join(', ')}`);
        if (r.intendedActions) notes.push(`actions: ${r.intendedActions}`);
        if (r.resells) notes.push('resells');
        return `| ${cell(r.name ?? `recipients[${i}]`)} | ${cell(describeMatch(r.match, partyNames))} | ${upperTlp(r.maxTlp)} | ${upperPap(r.maxPap)} | ${cell(notes.join('; ') || '—')} |`;
      }),
      '',
      `Objects with no TLP marking count as **${upperTlp(doc.unmarkedTlp ?? 'red')}**.`,
      '',
      '## Protection and conditions',
      '',
      `- Victim and target identities: **${vp.identities ?? 'remove'}**${vp.whereSighted ? `; sightings' \`where_sighted_refs\`: **${vp.whereSighted}**` : ''}.`,
      `- Custom \`x_*\` properties: **${vp.customProperties ?? 'remove'}**.`,
      ...(vp.freeTextFields?.length ? [`- Free text removed: ${list(vp.freeTextFields)}.`] : []),
      ...(vp.internalReferences?.sourceNames?.length || vp.internalReferences?.urlDomains?.length
        ? [
            `- Internal references removed: ${[list(vp.internalReferences.sourceNames), list(vp.internalReferences.urlDomains)].filter(Boolean).join('; ')}.`,
          ]
        : []),
      ...(conditions.labels?.anyOf?.length
        ? [`- Only objects labelled ${list(conditions.labels.anyOf)}.`]
        : []),
      ...(conditions.labels?.noneOf?.length
        ? [`- Never objects labelled ${list(conditions.labels.noneOf)}.`]
        : []),
      ...(conditions.minConfidence !== undefined
        ? [`- Minimum confidence: ${conditions.minConfidence}.`]
        : []),
      ...(conditions.maxAgeDays !== undefined
        ? [`- Maximum age: ${conditions.maxAgeDays} days.`]
        : []),
      `- Provider attribution: **${doc.providerAttribution ?? 'may'}**.`,
      `- Onward sharing: ${doc.onwardSharing?.allowed ? `allowed${doc.onwardSharing.maxTlp ? ` up to ${upperTlp(doc.onwardSharing.maxTlp)}` : ''}` : 'not allowed'}.`,
      ...(doc.retention?.maxDays
        ? [`- Retention: \`valid_until\` capped at ${doc.retention.maxDays} days.`]
        : []),
      '',
      '## The agreement',
      '',
      `\`\`\`yaml title="${file}"`,
      text.trimEnd(),
      '```',
      '',
      '## Use it',
      '',
      '```ts',
      "import { readFile } from 'node:fs/promises';",
      "import { parseAgreement } from '@intelshare/policy';",
      '',
      `const agreement = parseAgreement(await readFile('${file}', 'utf8'));`,
      // biome-ignore lint/suspicious/noTemplateCurlyInString: this is the page's TypeScript source text.
      'console.log(`${agreement.title} v${agreement.version}: ${agreement.recipients.length} recipient clause(s)`);',
      '```',
      '',
    ];
    out.set(`${slug}.md`, page.join('\n'));
    rows.push(
      `| [${cell(doc.title ?? doc.id)}](/agreements/${slug}/) | \`${doc.id}\` | ${doc.version} | ${(doc.parties ?? []).length} |`,
    );
  }

  out.set(
    'index.md',
    [
      '---',
      'title: Example agreements',
      'description: The example sharing agreements that ship with intelshare, one page each.',
      'sidebar:',
      '  label: Overview',
      '  order: 0',
      '---',
      '',
      `These agreements live in \`${SOURCE_DIR}/\` and are tested with the policy package.`,
      'Each page summarises the clauses and shows the file as it is.',
      '',
      '| Agreement | Id | Version | Parties |',
      '| --- | --- | --- | --- |',
      ...rows,
      '',
    ].join('\n'),
  );
  syncDir(outDir, out);
  return files.length;
}

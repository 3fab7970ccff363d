import { type CompiledAgreement, compiled } from '../evaluate/compile-agreement';
import { tlpName } from '../markings/tlp';
import type { SharingAgreement } from './agreement-schema';

/** Escapes text for Markdown (and the HTML it may become), so agreement content cannot inject markup. */
function md(text: string): string {
  return text.replace(/[\\`*_{}[\]()#+!|<>&]/g, (ch) =>
    ch === '<' ? '&lt;' : ch === '>' ? '&gt;' : ch === '&' ? '&amp;' : `\\${ch}`,
  );
}

function list(items: readonly string[] | undefined): string {
  return items && items.length > 0 ? items.map((item) => md(item)).join(', ') : '—';
}

/**
 * Renders an agreement as Markdown a person can read and sign off: parties, period,
 * purposes, who may receive what, conditions, victim protection and obligations.
 * All agreement text is escaped.
 *
 * @param agreement - A validated or compiled agreement.
 * @returns Markdown text.
 *
 * @example
 * ```ts
 * import { parseAgreement, renderAgreement } from '@intelshare/policy';
 *
 * const text = renderAgreement(parseAgreement({
 *   id: 'demo', version: '1', title: 'Demo', effective: { from: '2026-01-01T00:00:00Z' }, purposes: ['detection'],
 *   parties: [
 *     { identity: 'identity--8ce3f695-d5a4-4dc8-9e93-a65af453a31a', name: 'P', role: 'provider' },
 *     { identity: 'identity--03e23f6c-0ac9-4b47-9c84-f718132adb21', name: 'R', role: 'recipient' },
 *   ],
 *   recipients: [{ match: { identities: ['identity--03e23f6c-0ac9-4b47-9c84-f718132adb21'] }, maxTlp: 'green' }],
 * }));
 * text.startsWith('# Demo'); // true
 * ```
 * @see /policy/agreement-schema/
 */
export function renderAgreement(agreement: SharingAgreement | CompiledAgreement): string {
  const a = compiled(agreement).agreement;
  const out: string[] = [];
  out.push(`# ${md(a.title)}`, '');
  out.push(`Agreement \`${a.id}\`, version ${md(a.version)}.`, '');
  if (a.description) out.push(md(a.description.trim()), '');
  out.push(
    `**In effect** from ${md(a.effective.from)}${a.effective.until ? ` until ${md(a.effective.until)}` : ' with no end date'}.`,
    '',
  );
  out.push(`**Purposes:** ${list(a.purposes)}.`, '');
  out.push('## Parties', '', '| Party | Identity | Role |', '|---|---|---|');
  for (const party of a.parties)
    out.push(`| ${md(party.name)} | \`${party.identity}\` | ${party.role} |`);
  out.push('');
  if (a.communities)
    out.push(`**Communities defined by the agreement:** ${list(a.communities)}.`, '');
  out.push('## Who may receive what', '');
  a.recipients.forEach((clause, index) => {
    const who: string[] = [];
    if (clause.match.anyone) who.push('anyone');
    if (clause.match.identities?.length)
      who.push(`the organisations ${clause.match.identities.map((id) => `\`${id}\``).join(', ')}`);
    if (clause.match.communities?.length) who.push(`members of ${list(clause.match.communities)}`);
    if (clause.match.clientsOf?.length)
      who.push(
        `clients of ${clause.match.clientsOf.map((id) => `\`${id}\``).join(', ')}${clause.needToKnow ? ' (need to know confirmed)' : ''}`,
      );
    out.push(
      `${index + 1}. **${clause.name ? md(clause.name) : `Clause ${index + 1}`}** (\`recipients[${index}]\`): ${who.join('; ')}.`,
    );
    out.push(
      `   - Up to **${tlpName(clause.maxTlp)}**${clause.maxTlp === 'red' ? `, read only by ${list(clause.namedIndividuals)}` : ''}.`,
    );
    out.push(
      `   - Honours PAP up to **PAP:${clause.maxPap.toUpperCase()}**; intends "${clause.intendedActions}"${clause.resells ? '; resells data' : ''}.`,
    );
  });
  out.push(
    '',
    `Objects without a TLP marking are treated as **${tlpName(a.unmarkedTlp)}**. Unknown markings are never permissive: objects carrying them are withheld.`,
    '',
  );
  if (a.markings.custom.length > 0) {
    out.push('**Custom markings understood:**', '');
    for (const custom of a.markings.custom)
      out.push(
        `- \`${custom.id}\`${custom.name ? ` (${md(custom.name)})` : ''} — read as ${custom.treatAs === 'statement' ? 'a statement' : tlpName(custom.treatAs)}`,
      );
    out.push('');
  }
  out.push('## What is shared', '');
  out.push(
    `- Object types: ${a.objects.allowTypes ? `only ${list(a.objects.allowTypes)}` : 'all'}${a.objects.denyTypes.length ? `, never ${list(a.objects.denyTypes)}` : ''}.`,
  );
  if (a.properties.deny.length) out.push(`- Properties removed: ${list(a.properties.deny)}.`);
  for (const [type, props] of Object.entries(a.properties.allow ?? {}))
    out.push(`- For \`${type}\`, only: ${list(props)}.`);
  const cond = a.conditions;
  if (cond.labels?.anyOf) out.push(`- Only objects labelled ${list(cond.labels.anyOf)}.`);
  if (cond.labels?.noneOf) out.push(`- Never objects labelled ${list(cond.labels.noneOf)}.`);
  if (cond.minConfidence !== undefined) out.push(`- Confidence at least ${cond.minConfidence}.`);
  if (cond.maxAgeDays !== undefined)
    out.push(`- Modified within the last ${cond.maxAgeDays} days.`);
  out.push(`- Revoked objects are ${cond.excludeRevoked ? 'not shared' : 'shared'}.`, '');
  const v = a.victimProtection;
  out.push('## Victim protection', '');
  out.push(
    `- Victim and target identities: **${v.identities}**${v.victimIdentityIds.length ? ` (also ${v.victimIdentityIds.length} named identities)` : ''}.`,
  );
  out.push(`- Sightings' \`where_sighted_refs\`: **${v.whereSighted ?? v.identities}**.`);
  out.push(`- Custom \`x_*\` properties: **${v.customProperties}**.`);
  if (v.internalReferences.sourceNames.length || v.internalReferences.urlDomains.length) {
    out.push(
      `- Internal references removed: sources ${list(v.internalReferences.sourceNames)}; domains ${list(v.internalReferences.urlDomains)}.`,
    );
  }
  if (v.freeTextFields.length) out.push(`- Free-text fields removed: ${list(v.freeTextFields)}.`);
  if (v.pseudonymKeyId)
    out.push(
      `- Pseudonyms are keyed with \`${md(v.pseudonymKeyId)}\` (the key itself is not part of the agreement).`,
    );
  out.push('', '## Obligations', '');
  out.push(`- Provider attribution: **${a.providerAttribution}**.`);
  out.push(
    `- Onward sharing: ${a.onwardSharing.allowed ? `allowed${a.onwardSharing.maxTlp ? ` up to ${tlpName(a.onwardSharing.maxTlp)}` : ''}` : 'not allowed'}.`,
  );
  if (a.retention)
    out.push(
      `- Retention: indicators expire at most ${a.retention.maxDays} days after sharing (\`valid_until\` is capped).`,
    );
  out.push(`- Notify affected parties: ${a.obligations.notifyAffectedParties ? 'yes' : 'no'}.`);
  out.push(`- Encrypt in transit: ${a.obligations.encryptInTransit ? 'yes' : 'no'}.`);
  out.push('');
  return out.join('\n');
}

import { IntelshareError } from '@intelshare/stix';
import { parse as parseYaml } from 'yaml';
import type { z } from 'zod';
import { officialMarking } from '../markings/official-markings';
import { tlpRank } from '../markings/tlp';
import { type SharingAgreement, sharingAgreementSchema } from './agreement-schema';
import { MAX_AGREEMENT_NESTING, measureYamlNesting } from './nesting-guard';

/** Options for {@link parseAgreement}. */
export interface ParseAgreementOptions {
  /** Maximum text size in bytes (default 1 MiB); larger input is refused before parsing. */
  maxBytes?: number;
}

/** One problem found in an agreement, with the path to it. */
export interface AgreementIssue {
  path: string;
  message: string;
}

/**
 * Reads and validates a sharing agreement from JSON or YAML text, or from an already
 * parsed value. Every schema problem and every contradiction between clauses is
 * reported at once, each with its path; nothing is guessed.
 *
 * @param input - JSON or YAML text, or a plain object.
 * @param options - Size limit.
 * @returns The validated agreement with defaults applied.
 * @throws {IntelshareError} `POLICY_INVALID` listing every issue (`error.issues`).
 *
 * @example
 * ```ts
 * import { parseAgreement } from '@intelshare/policy';
 *
 * const agreement = parseAgreement(`
 * id: demo
 * version: "1.0"
 * title: Demo
 * parties:
 *   - { identity: identity--8ce3f695-d5a4-4dc8-9e93-a65af453a31a, name: Provider, role: provider }
 *   - { identity: identity--03e23f6c-0ac9-4b47-9c84-f718132adb21, name: Partner, role: recipient }
 * effective: { from: "2026-01-01T00:00:00Z" }
 * purposes: [detection]
 * recipients:
 *   - match: { identities: [identity--03e23f6c-0ac9-4b47-9c84-f718132adb21] }
 *     maxTlp: amber
 * `);
 * agreement.recipients[0]?.maxTlp; // 'amber'
 * ```
 * @see /policy/agreement-schema/
 */
export function parseAgreement(
  input: unknown,
  options: ParseAgreementOptions = {},
): SharingAgreement {
  let value = input;
  if (typeof input === 'string') {
    const maxBytes = options.maxBytes ?? 1024 * 1024;
    if (input.length > maxBytes) {
      throw new IntelshareError(
        'POLICY_INVALID',
        `The agreement text is larger than \`maxBytes\` (${maxBytes}).`,
      );
    }
    if (measureYamlNesting(input) > MAX_AGREEMENT_NESTING) {
      throw new IntelshareError(
        'POLICY_INVALID',
        `The agreement text nests deeper than ${MAX_AGREEMENT_NESTING} levels; no sharing agreement needs that many.`,
      );
    }
    try {
      // YAML 1.2 is a superset of JSON, so one parser reads both. Aliases are capped to
      // stop "billion laughs" expansion; custom tags are not enabled.
      value = parseYaml(input, { maxAliasCount: 100, prettyErrors: true, uniqueKeys: true });
    } catch (cause) {
      throw new IntelshareError(
        'POLICY_INVALID',
        `The agreement is not valid JSON or YAML: ${(cause as Error).message}`,
        {
          cause,
        },
      );
    }
  }
  const result = sharingAgreementSchema.safeParse(value);
  const issues: AgreementIssue[] = result.success
    ? findContradictions(result.data)
    : result.error.issues.map((issue) => ({
        path: formatPath(issue.path),
        message: issueMessage(issue),
      }));
  if (issues.length > 0 || !result.success) throw agreementError(issues);
  return result.data;
}

function issueMessage(issue: z.core.$ZodIssue): string {
  if (issue.code === 'unrecognized_keys')
    return `unknown key(s) ${issue.keys.map((k) => `\`${k}\``).join(', ')}`;
  return issue.message;
}

function agreementError(issues: AgreementIssue[]): IntelshareError {
  const lines = issues.map((issue) => `${issue.path || '(root)'}: ${issue.message}`);
  const error = new IntelshareError(
    'POLICY_INVALID',
    `The sharing agreement is invalid (${issues.length} issue${issues.length === 1 ? '' : 's'}): ${lines.join('; ')}`,
  );
  Object.defineProperty(error, 'issues', { value: issues, enumerable: true });
  return error;
}

/** `['recipients', 0, 'maxTlp']` → `recipients[0].maxTlp`. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const segment of path) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else out += out === '' ? String(segment) : `.${String(segment)}`;
  }
  return out;
}

/**
 * Clauses that cannot all be honoured. They are reported rather than resolved by a
 * guess, because any resolution would share more or less than one party intended.
 */
export function findContradictions(agreement: SharingAgreement): AgreementIssue[] {
  const issues: AgreementIssue[] = [];
  const { effective } = agreement;
  if (effective.until !== undefined && Date.parse(effective.until) <= Date.parse(effective.from)) {
    issues.push({
      path: 'effective.until',
      message: 'ends before or when the agreement starts (`effective.from`)',
    });
  }
  const seen = new Map<string, number>();
  agreement.parties.forEach((party, index) => {
    const first = seen.get(party.identity);
    if (first !== undefined) {
      issues.push({
        path: `parties[${index}].identity`,
        message: `repeats parties[${first}].identity`,
      });
    } else seen.set(party.identity, index);
  });
  if (!agreement.parties.some((party) => party.role !== 'recipient')) {
    issues.push({ path: 'parties', message: 'no party has the role `provider` or `both`' });
  }
  agreement.recipients.forEach((clause, index) => {
    const base = `recipients[${index}]`;
    const { match } = clause;
    if (
      !match.anyone &&
      !match.identities?.length &&
      !match.communities?.length &&
      !match.clientsOf?.length
    ) {
      issues.push({
        path: `${base}.match`,
        message: 'names nobody: give `identities`, `communities`, `clientsOf` or `anyone`',
      });
    }
    if (match.anyone && tlpRank(clause.maxTlp) > 0) {
      issues.push({
        path: `${base}.maxTlp`,
        message: `grants ${clause.maxTlp.toUpperCase()} to \`anyone\`, but only TLP:CLEAR may go to anyone (FIRST TLP 2.0)`,
      });
    }
    if (clause.maxTlp === 'red' && clause.namedIndividuals.length === 0) {
      issues.push({
        path: `${base}.namedIndividuals`,
        message:
          'is empty, but `maxTlp: red` requires the individuals to be named (FIRST TLP 2.0: RED is for named individuals only)',
      });
    }
    if (clause.needToKnow && !match.clientsOf?.length) {
      issues.push({
        path: `${base}.needToKnow`,
        message: 'is set, but `match.clientsOf` names no organisation whose clients it covers',
      });
    }
    if (match.communities?.length && agreement.communities) {
      for (const community of match.communities) {
        if (!agreement.communities.includes(community)) {
          issues.push({
            path: `${base}.match.communities`,
            message: `names community \`${community}\`, which the agreement's \`communities\` does not define`,
          });
        }
      }
    }
  });
  const allow = agreement.objects.allowTypes;
  agreement.objects.denyTypes.forEach((type, index) => {
    if (allow?.includes(type)) {
      issues.push({
        path: `objects.denyTypes[${index}]`,
        message: `\`${type}\` is also in \`objects.allowTypes\``,
      });
    }
  });
  const deny = new Set(agreement.properties.deny);
  for (const [type, props] of Object.entries(agreement.properties.allow ?? {})) {
    props.forEach((prop, index) => {
      if (deny.has(prop) || deny.has(`${type}.${prop}`)) {
        issues.push({
          path: `properties.allow.${type}[${index}]`,
          message: `\`${prop}\` is also in \`properties.deny\``,
        });
      }
    });
  }
  const labels = agreement.conditions.labels;
  labels?.noneOf?.forEach((label, index) => {
    if (labels.anyOf?.includes(label)) {
      issues.push({
        path: `conditions.labels.noneOf[${index}]`,
        message: `\`${label}\` is also in \`conditions.labels.anyOf\``,
      });
    }
  });
  if (!agreement.onwardSharing.allowed && agreement.onwardSharing.maxTlp !== undefined) {
    issues.push({
      path: 'onwardSharing.maxTlp',
      message: 'is set, but `onwardSharing.allowed` is false',
    });
  }
  const customSeen = new Set<string>();
  agreement.markings.custom.forEach((custom, index) => {
    if (officialMarking(custom.id)) {
      issues.push({
        path: `markings.custom[${index}].id`,
        message: 'is an official TLP/PAP id; its meaning cannot be redefined',
      });
    }
    if (customSeen.has(custom.id))
      issues.push({ path: `markings.custom[${index}].id`, message: 'is listed twice' });
    customSeen.add(custom.id);
  });
  const victims = agreement.victimProtection;
  const usesPseudonyms =
    victims.identities === 'pseudonymise' || victims.whereSighted === 'pseudonymise';
  if (usesPseudonyms && victims.pseudonymKeyId === undefined) {
    issues.push({
      path: 'victimProtection.pseudonymKeyId',
      message: 'is required when victims are pseudonymised',
    });
  }
  if (agreement.retention) {
    // The cap lives in `valid_until`: a rule that removes it would drop the cap silently.
    if (agreement.properties.deny.some((p) => coversValidUntil(p))) {
      issues.push({
        path: 'properties.deny',
        message: 'removes `valid_until`, but `retention` caps it',
      });
    }
    const indicatorAllow = agreement.properties.allow?.indicator;
    if (indicatorAllow && !indicatorAllow.some((p) => coversValidUntil(p))) {
      issues.push({
        path: 'properties.allow.indicator',
        message: 'omits `valid_until`, but `retention` caps it',
      });
    }
  }
  if (
    agreement.providerAttribution === 'must' &&
    agreement.properties.deny.includes('created_by_ref')
  ) {
    issues.push({
      path: 'properties.deny',
      message: 'removes `created_by_ref`, but `providerAttribution` is `must`',
    });
  }
  return issues;
}

/** Whether a property pattern (`valid_until`, `indicator.valid_*`, `*`) covers an indicator's `valid_until`. */
function coversValidUntil(pattern: string): boolean {
  const dot = pattern.indexOf('.');
  if (dot > 0 && pattern.slice(0, dot) !== 'indicator') return false;
  const prop = dot > 0 ? pattern.slice(dot + 1) : pattern;
  return prop.endsWith('*') ? 'valid_until'.startsWith(prop.slice(0, -1)) : prop === 'valid_until';
}

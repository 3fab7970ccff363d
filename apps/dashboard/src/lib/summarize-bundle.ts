import { TLP2_MARKING_IDS } from '@intelshare/policy';

/** A validation issue as the dashboard shows it (the shape of `@intelshare/stix`'s `StixIssue`). */
export interface IssueView {
  readonly severity: 'error' | 'warning';
  /** A stable code such as `INVALID_TIMESTAMP`. */
  readonly code: string;
  /** A JSON path into the bundle, such as `objects[3].pattern`. */
  readonly path: string;
  readonly message: string;
}

/** One row of the "issues by code" table. */
export interface IssueCodeCount {
  readonly code: string;
  readonly errors: number;
  readonly warnings: number;
}

/** How a marking reference on an object was resolved to a human-readable name. */
export type MarkingSource =
  /** A `marking-definition` object in the same bundle. */
  | 'bundle'
  /** One of the five official TLP 2.0 marking definitions, known to `@intelshare/policy`. */
  | 'tlp2'
  /** Neither: the marking definition is not in the bundle and not a well-known id. */
  | 'unresolved'
  /** The row counting objects without any `object_marking_refs`. */
  | 'unmarked';

/** One row of the "by marking" table. */
export interface MarkingCount {
  /** The `marking-definition--…` id, or `''` for the unmarked row. */
  readonly id: string;
  readonly name: string;
  readonly source: MarkingSource;
  /** Objects that carry this marking in `object_marking_refs`. */
  readonly count: number;
}

/** One row of the "by type" table. */
export interface TypeCount {
  readonly type: string;
  readonly count: number;
}

/** Everything the overview page shows about one bundle. */
export interface BundleSummary {
  readonly file: string;
  readonly objectCount: number;
  readonly byType: readonly TypeCount[];
  readonly byMarking: readonly MarkingCount[];
  /** Objects with `revoked: true` (STIX 2.1 §3.2, common property `revoked`). */
  readonly revoked: number;
  /** Objects with `x_mitre_deprecated: true` (ATT&CK's custom property; STIX has none). */
  readonly deprecated: number;
  readonly valid: boolean;
  readonly issueCount: number;
  readonly errorCount: number;
  readonly warningCount: number;
  readonly issuesByCode: readonly IssueCodeCount[];
  /** The first {@link MAX_LISTED_ISSUES} issues, in the parser's order. */
  readonly issues: readonly IssueView[];
}

/** How many validation issues a bundle summary lists by name (all are counted). */
export const MAX_LISTED_ISSUES = 50;

/** The longest marking name shown; statements can be paragraphs. */
const MAX_MARKING_NAME_LENGTH = 160;

type Json = Readonly<Record<string, unknown>>;

const isRecord = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const tlp2NameById: ReadonlyMap<string, string> = new Map(
  Object.entries(TLP2_MARKING_IDS).map(([name, id]) => [id, name]),
);

function truncate(text: string): string {
  const oneLine = text.replace(/\s+/g, ' ').trim();
  return oneLine.length > MAX_MARKING_NAME_LENGTH
    ? `${oneLine.slice(0, MAX_MARKING_NAME_LENGTH - 1)}…`
    : oneLine;
}

/**
 * A display name for a marking-definition object. STIX 2.1 §7.2.1: `name` is optional;
 * older definitions carry only `definition_type` and `definition` (statement or TLP 1.0).
 */
function markingName(marking: Json): string {
  if (typeof marking.name === 'string' && marking.name.trim() !== '') {
    return truncate(marking.name);
  }
  const definition = isRecord(marking.definition) ? marking.definition : undefined;
  if (marking.definition_type === 'statement' && typeof definition?.statement === 'string') {
    return truncate(`Statement: ${definition.statement}`);
  }
  if (marking.definition_type === 'tlp' && typeof definition?.tlp === 'string') {
    return truncate(`TLP:${definition.tlp.toUpperCase()} (TLP 1.0)`);
  }
  const type = typeof marking.definition_type === 'string' ? marking.definition_type : 'unknown';
  return truncate(`${type} marking`);
}

function increment(counts: Map<string, number>, key: string): void {
  counts.set(key, (counts.get(key) ?? 0) + 1);
}

const byCountThenKey =
  <T>(count: (row: T) => number, key: (row: T) => string) =>
  (a: T, b: T): number =>
    count(b) - count(a) || (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0);

/**
 * Counts a parsed bundle's objects by type, by marking, and revoked/deprecated.
 * Objects are attacker-controlled: counts live in `Map`s keyed by the raw strings, so a
 * `type` of `__proto__` is just another row.
 *
 * @param file - the bundle's file name, shown as its title
 * @param parsed - the objects and issues from {@link parseBundle}
 * @returns the summary the overview page renders
 */
export function summarizeBundle(
  file: string,
  parsed: {
    readonly objects: readonly unknown[];
    readonly issues: readonly IssueView[];
    readonly valid: boolean;
  },
): BundleSummary {
  const objects = parsed.objects.filter(isRecord);
  // Nothing is dropped silently: a non-object entry is still counted, as its own "type".
  const notObjects = parsed.objects.length - objects.length;
  const markingNames = new Map<string, string>();
  for (const object of objects) {
    if (object.type === 'marking-definition' && typeof object.id === 'string') {
      markingNames.set(object.id, markingName(object));
    }
  }

  const types = new Map<string, number>();
  if (notObjects > 0) types.set('(not an object)', notObjects);
  const markings = new Map<string, number>();
  let unmarked = 0;
  let revoked = 0;
  let deprecated = 0;
  for (const object of objects) {
    increment(types, typeof object.type === 'string' ? object.type : '(no type)');
    const refs = Array.isArray(object.object_marking_refs)
      ? object.object_marking_refs.filter((ref): ref is string => typeof ref === 'string')
      : [];
    // An object listing the same marking twice still carries it once.
    const distinct = new Set(refs);
    if (distinct.size === 0) unmarked += 1;
    for (const ref of distinct) increment(markings, ref);
    if (object.revoked === true) revoked += 1;
    if (object.x_mitre_deprecated === true) deprecated += 1;
  }

  const byMarking: MarkingCount[] = [...markings].map(([id, count]) => {
    const inBundle = markingNames.get(id);
    if (inBundle !== undefined) return { id, name: inBundle, source: 'bundle', count };
    const tlp2 = tlp2NameById.get(id);
    if (tlp2 !== undefined) return { id, name: tlp2, source: 'tlp2', count };
    return { id, name: 'unresolved', source: 'unresolved', count };
  });
  byMarking.sort(
    byCountThenKey(
      (row) => row.count,
      (row) => row.id,
    ),
  );
  if (unmarked > 0)
    byMarking.push({ id: '', name: 'unmarked', source: 'unmarked', count: unmarked });

  const codes = new Map<string, { errors: number; warnings: number }>();
  let errorCount = 0;
  for (const issue of parsed.issues) {
    const row = codes.get(issue.code) ?? { errors: 0, warnings: 0 };
    if (issue.severity === 'error') {
      row.errors += 1;
      errorCount += 1;
    } else {
      row.warnings += 1;
    }
    codes.set(issue.code, row);
  }

  return {
    file,
    objectCount: parsed.objects.length,
    byType: [...types]
      .map(([type, count]) => ({ type, count }))
      .sort(
        byCountThenKey(
          (row) => row.count,
          (row) => row.type,
        ),
      ),
    byMarking,
    revoked,
    deprecated,
    valid: parsed.valid,
    issueCount: parsed.issues.length,
    errorCount,
    warningCount: parsed.issues.length - errorCount,
    issuesByCode: [...codes]
      .map(([code, row]) => ({ code, ...row }))
      .sort(
        byCountThenKey(
          (row) => row.errors + row.warnings,
          (row) => row.code,
        ),
      ),
    issues: parsed.issues.slice(0, MAX_LISTED_ISSUES),
  };
}

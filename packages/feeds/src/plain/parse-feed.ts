import type { FeedIssue } from '../errors/feed-error-issue';
import { FeedValidationError } from '../errors/feed-validation-error';
import { isObservableKind, type ObservableKind, toObservable } from '../stix/observable';
import { derivedId } from '../stix/sco-id';
import type { StixObject } from '../stix/stix-object';
import { type DelimitedOptions, parseDelimited } from './delimited-parser';
import { type FeedMapping, type FeedMappingInput, feedMappingSchema } from './feed-mapping';

/** Options of {@link parseFeed}. */
export interface ParseFeedOptions {
  /** The time used for `created`/`valid_from` when the row has no first-seen date (default now). */
  now?: Date;
  /** Most rows turned into indicators (default 1 000 000); the rest are reported. */
  maxRows?: number;
}

/** What {@link parseFeed} produces. */
export interface ParsedFeed {
  /** The source identity, then for each row an SCO and an indicator (SCOs deduplicated). */
  objects: StixObject[];
  /** Rows that were skipped, each with its line number; never fatal. */
  issues: FeedIssue[];
  /** Counts for progress and monitoring. */
  stats: {
    rows: number;
    indicators: number;
    skipped: number;
    filtered: number;
    duplicates: number;
  };
}

const FORBIDDEN = new Set(['__proto__', 'constructor', 'prototype']);

/**
 * Turns a plain feed (CSV, TSV, one-per-line list or JSON lines) into STIX 2.1 indicators
 * and SCOs with provenance. Ids are deterministic (source + pattern), so parsing the same
 * feed again yields the same ids and a store does not grow duplicates. Bad rows are
 * reported with their line number and skipped.
 *
 * @param text - The feed body.
 * @param mappingInput - How to read it; see {@link FeedMappingInput} or the presets.
 * @returns Objects, per-row issues and counts.
 * @throws {FeedValidationError} `FEED_FORMAT` when the mapping itself is invalid.
 *
 * @example
 * ```ts
 * import { parseFeed, openPhishMapping } from '@intelshare/feeds';
 *
 * const { objects, issues } = parseFeed('https://phish.example/login\n', openPhishMapping);
 * console.log(objects.length, issues.length); // 3 0
 * ```
 */
export function parseFeed(
  text: string,
  mappingInput: FeedMappingInput,
  options: ParseFeedOptions = {},
): ParsedFeed {
  const processor = new RowProcessor(mappingInput, options.now, options.maxRows ?? 1_000_000);
  const issues: FeedIssue[] = [];
  const objects: StixObject[] = [processor.identity];
  processor.process(rows(text, processor.mapping, issues), objects, issues);
  return { objects, issues, stats: { ...processor.stats } };
}

/** Turns rows into objects; keeps the header, counts and seen ids between calls. */
export class RowProcessor {
  readonly mapping: FeedMapping;
  readonly identity: StixObject;
  readonly stats = { rows: 0, indicators: 0, skipped: 0, filtered: 0, duplicates: 0 };
  readonly #now: string;
  readonly #maxRows: number;
  readonly #seen: IdWindow;
  #columns: string[] | undefined;
  #headerPending: boolean;

  constructor(mappingInput: FeedMappingInput, now: Date | undefined, maxRows: number, window = 0) {
    const parsedMapping = feedMappingSchema.safeParse(mappingInput);
    if (!parsedMapping.success) {
      throw new FeedValidationError(
        'FEED_FORMAT',
        'The feed mapping is invalid.',
        parsedMapping.error.issues.map((issue) => ({
          path: `mapping.${issue.path.join('.')}`,
          message: issue.message,
        })),
      );
    }
    this.mapping = parsedMapping.data;
    this.#now = (now ?? new Date()).toISOString();
    this.#maxRows = maxRows;
    this.identity = sourceIdentity(this.mapping);
    this.#seen = new IdWindow(window);
    this.#seen.add(this.identity.id);
    this.#columns = this.mapping.columns;
    this.#headerPending = this.mapping.header !== 'none';
  }

  process(input: Iterable<Row>, objects: StixObject[], issues: FeedIssue[]): void {
    const mapping = this.mapping;
    const stats = this.stats;
    const maxRows = this.#maxRows;
    for (const row of input) {
      const columns = this.#columns;
      if (this.#headerPending) {
        this.#headerPending = false;
        const looksLikeHeader =
          mapping.header === 'row' ||
          (columns === undefined && mapping.format !== 'jsonl' && mapping.format !== 'lines') ||
          (columns !== undefined &&
            row.values.length === columns.length &&
            row.values.every((v, i) => sameName(String(v), columns![i]!)));
        if (looksLikeHeader && mapping.format !== 'jsonl') {
          this.#columns = row.values.map((v) => String(v).trim());
          continue;
        }
      }
      stats.rows++;
      if (
        !row.record &&
        mapping.format !== 'lines' &&
        columns &&
        row.values.length < columns.length
      ) {
        stats.skipped++;
        issues.push({
          path: `line ${row.line}`,
          message: `has ${row.values.length} fields, expected ${columns.length}`,
        });
        continue;
      }
      if (stats.rows > maxRows) {
        stats.skipped++;
        if (stats.rows === maxRows + 1)
          issues.push({
            path: `line ${row.line}`,
            message: `rows past \`maxRows\` (${maxRows}) are ignored`,
          });
        continue;
      }
      const get = (ref: string | number | undefined): string | undefined => {
        if (ref === undefined) return undefined;
        if (row.record) {
          const value = typeof ref === 'number' ? undefined : row.record[ref];
          return value === undefined || value === null
            ? undefined
            : typeof value === 'string'
              ? value
              : JSON.stringify(value);
        }
        const index =
          typeof ref === 'number' ? ref : (columns?.findIndex((c) => sameName(c, ref)) ?? -1);
        const value = index >= 0 ? row.values[index] : undefined;
        return value === undefined ? undefined : String(value).trim();
      };
      if (mapping.skip.some((rule) => rule.equals.includes(get(rule.column) ?? '\u0000'))) {
        stats.filtered++;
        continue;
      }
      const result = rowToObjects(mapping, get, this.identity.id, this.#now, row.inline);
      if (typeof result === 'string') {
        stats.skipped++;
        issues.push({ path: `line ${row.line}`, message: result });
        continue;
      }
      // The same observable listed twice yields the same indicator id: counted, kept once.
      if (this.#seen.has(result[1]!.id)) stats.duplicates++;
      for (const object of result) {
        if (this.#seen.has(object.id)) continue;
        this.#seen.add(object.id);
        objects.push(object);
        if (object.type === 'indicator') stats.indicators++;
      }
    }
  }
}

/**
 * The ids already emitted: all of them (`size` 0), or for streams at least the most recent
 * `size / 2` and at most `size`, in two generations so memory stays bounded.
 */
class IdWindow {
  #young = new Set<string>();
  #old = new Set<string>();
  readonly #half: number;
  constructor(size: number) {
    this.#half = size > 0 ? Math.max(1, Math.ceil(size / 2)) : Number.POSITIVE_INFINITY;
  }
  has(id: string): boolean {
    return this.#young.has(id) || this.#old.has(id);
  }
  add(id: string): void {
    this.#young.add(id);
    if (this.#young.size >= this.#half) {
      this.#old = this.#young;
      this.#young = new Set();
    }
  }
}

/** One record of a feed, before mapping. */
export interface Row {
  line: number;
  values: readonly string[];
  record?: Record<string, unknown>;
  inline?: string;
}

export function* rows(
  text: string,
  mapping: FeedMapping,
  issues: FeedIssue[],
  firstLine = 1,
  maxLineLength?: number,
): Generator<Row> {
  if (mapping.format === 'jsonl') {
    let line = firstLine - 1;
    for (const raw of text.split('\n')) {
      line++;
      if (maxLineLength !== undefined && raw.length > maxLineLength) {
        issues.push({
          path: `line ${line}`,
          message: `is longer than ${maxLineLength} characters`,
        });
        continue;
      }
      const trimmed = raw.trim();
      if (trimmed === '' || mapping.comment.some((c) => trimmed.startsWith(c))) continue;
      let value: unknown;
      try {
        value = JSON.parse(trimmed);
      } catch {
        issues.push({ path: `line ${line}`, message: 'is not valid JSON' });
        continue;
      }
      if (typeof value !== 'object' || value === null || Array.isArray(value)) {
        issues.push({ path: `line ${line}`, message: 'is not a JSON object' });
        continue;
      }
      const bad = Object.keys(value).find((key) => FORBIDDEN.has(key));
      if (bad) {
        issues.push({ path: `line ${line}.${bad}`, message: 'forbidden key' });
        continue;
      }
      yield { line, values: [], record: value as Record<string, unknown> };
    }
    return;
  }
  const delimiter =
    mapping.format === 'lines'
      ? null
      : mapping.format === 'tsv'
        ? '\t'
        : (mapping.delimiter ?? ',');
  const delimitedOptions: DelimitedOptions = { delimiter, comment: mapping.comment, firstLine };
  if (maxLineLength !== undefined) delimitedOptions.maxLineLength = maxLineLength;
  for (const item of parseDelimited(text, delimitedOptions, issues)) {
    if ('comment' in item) continue;
    if (mapping.format === 'lines') {
      let value = item.fields[0] ?? '';
      let inline: string | undefined;
      if (mapping.inlineComment) {
        const at = value.indexOf(mapping.inlineComment);
        if (at >= 0) {
          inline = value.slice(at + mapping.inlineComment.length).trim();
          value = value.slice(0, at).trim();
        }
      }
      yield inline === undefined
        ? { line: item.line, values: [value] }
        : { line: item.line, values: [value], inline };
      continue;
    }
    yield { line: item.line, values: item.fields };
  }
}

function rowToObjects(
  mapping: FeedMapping,
  get: (ref: string | number | undefined) => string | undefined,
  identityId: string,
  now: string,
  inline: string | undefined,
): StixObject[] | string {
  const raw = get(mapping.observable.column);
  if (raw === undefined || raw === '')
    return `has no value in column \`${String(mapping.observable.column)}\``;
  let kind: ObservableKind | 'ip:port' | undefined = mapping.observable.kind;
  if (mapping.observable.typeColumn !== undefined) {
    const typeName = get(mapping.observable.typeColumn) ?? '';
    kind =
      mapping.observable.typeMap?.[typeName] ?? (isObservableKind(typeName) ? typeName : undefined);
    if (!kind) return `has unsupported observable type \`${typeName.slice(0, 40)}\``;
  }
  if (!kind) return 'the mapping names no observable kind';
  let value = raw;
  let port = get(mapping.port);
  if (kind === 'ip:port') {
    const at = raw.lastIndexOf(':');
    if (at <= 0) return `\`${raw.slice(0, 80)}\` is not ip:port`;
    port = raw.slice(at + 1);
    value = raw.slice(0, at).replace(/^\[|\]$/g, '');
    kind = 'ip';
  }
  const observable = toObservable(kind, value);
  if (typeof observable === 'string') return observable;
  let pattern = `[${observable.comparison}]`;
  if (port !== undefined && port !== '') {
    const portNumber = Number(port);
    if (!Number.isInteger(portNumber) || portNumber < 0 || portNumber > 65535)
      return `port \`${port.slice(0, 20)}\` is not a port number`;
    // STIX 2.1 Part 5 §9.2: reach the address through network-traffic to attach the port.
    const addressType = observable.sco.type;
    pattern = `[network-traffic:dst_ref.type = '${addressType}' AND network-traffic:dst_ref.value = '${observable.value}' AND network-traffic:dst_port = ${portNumber}]`;
  }
  const firstSeen = timestamp(get(mapping.firstSeen));
  const lastSeen = timestamp(get(mapping.lastSeen));
  const created = firstSeen ?? now;
  const labels = new Set<string>(mapping.tags);
  for (const ref of mapping.labels) {
    for (const label of (get(ref) ?? '').split(',')) {
      const clean = label.trim();
      if (clean && !/^(none|n\/a|null|-)$/i.test(clean)) labels.add(clean.slice(0, 200));
    }
  }
  const externalId = get(mapping.externalId) ?? inline;
  const externalUrl = get(mapping.externalUrl);
  const reference: Record<string, string> = { source_name: mapping.name };
  if (externalId) reference.external_id = externalId;
  if (externalUrl || mapping.url) reference.url = (externalUrl || mapping.url)!;
  const indicator: StixObject = {
    type: 'indicator',
    spec_version: '2.1',
    id: derivedId('indicator', mapping.provider, mapping.name, pattern),
    created_by_ref: identityId,
    created,
    modified: created,
    name: `${observable.value}${port ? `:${port}` : ''}`,
    indicator_types: mapping.indicatorTypes,
    pattern,
    pattern_type: 'stix',
    valid_from: created,
    external_references: [reference],
  };
  const description = get(mapping.description);
  if (description) indicator.description = description.slice(0, 10_000);
  if (labels.size > 0) indicator.labels = [...labels];
  if (mapping.confidence !== undefined) {
    const confidence =
      typeof mapping.confidence === 'number'
        ? mapping.confidence
        : Number(get(mapping.confidence.column));
    if (Number.isInteger(confidence) && confidence >= 0 && confidence <= 100)
      indicator.confidence = confidence;
  }
  if (lastSeen) indicator.x_intelshare_last_seen = lastSeen;
  return [observable.sco, indicator];
}

function sourceIdentity(mapping: FeedMapping): StixObject {
  return {
    type: 'identity',
    spec_version: '2.1',
    id: derivedId('identity', mapping.provider),
    created: '2020-01-01T00:00:00.000Z',
    modified: '2020-01-01T00:00:00.000Z',
    name: mapping.provider,
    identity_class: 'organization',
  };
}

function sameName(a: string, b: string): boolean {
  return a.trim().toLowerCase() === b.trim().toLowerCase();
}

/** Feed dates like `2024-04-04 07:03:03` (UTC) or `2024-04-01` to STIX timestamps. */
function timestamp(value: string | undefined): string | undefined {
  if (!value) return undefined;
  const match =
    /^(\d{4}-\d{2}-\d{2})(?:[ T](\d{2}:\d{2}:\d{2})(\.\d+)?)?\s*(?:Z|UTC|\+00:?00)?$/i.exec(
      value.trim(),
    );
  if (!match) return undefined;
  const iso = `${match[1]}T${match[2] ?? '00:00:00'}${match[3] ?? '.000'}Z`;
  return Number.isNaN(Date.parse(iso)) ? undefined : new Date(iso).toISOString();
}

/** A `match[...]` value: one value, or several sent comma-separated (logical OR, §3.4.1). */
export type MatchValue = string | readonly string[];

/** Query filters for TAXII 2.1 object, manifest and versions endpoints (§3.4, §3.5). */
export interface TaxiiFilters {
  /** Only objects added after this time (`added_after`, §3.4.1). */
  addedAfter?: string | Date;
  /** Page size the client asks for (`limit`); servers may return fewer. */
  limit?: number;
  /** The server's pagination token from a previous page (`next`). */
  next?: string;
  /**
   * `match[...]` filters (§3.4.1); arrays are sent comma-separated (logical OR). Besides
   * `id`, `type`, `version` and `specVersion`, any other STIX property name a server
   * supports may be given (TAXII 2.1 lets servers offer `match[<field>]` for more fields),
   * for example `{ match: { 'x_mitre_domains': 'enterprise-attack' } }`. Field names must
   * be STIX property names (`[a-z0-9_]`, 1–250 characters, optionally dotted for nested
   * properties); anything else throws a `TypeError` before a request is made.
   */
  match?: {
    id?: MatchValue;
    type?: MatchValue;
    /** `first`, `last`, `all` or timestamps (§3.4.1). */
    version?: MatchValue;
    specVersion?: MatchValue;
    /** Any other field the server supports, by its STIX property name. */
    [field: string]: MatchValue | undefined;
  };
}

// STIX 2.1 §3.1 property names: ASCII lowercase, digits and underscore, 3–250 characters
// (shorter ones are allowed here for vendor filters); dots select nested properties.
const FIELD_PATTERN = /^[a-z0-9_]{1,250}(?:\.[a-z0-9_]{1,250}){0,7}$/;
const KNOWN_FIELDS: Readonly<Record<string, string>> = {
  id: 'id',
  type: 'type',
  version: 'version',
  specVersion: 'spec_version',
  spec_version: 'spec_version',
};

/**
 * Builds the query string (without `?`) for a set of filters, form-encoded like
 * `URLSearchParams` would. Field names of `match` are validated; values are always
 * percent-encoded, so a value can never add a parameter of its own.
 *
 * @example
 * ```ts
 * import { taxiiQuery } from '@intelshare/feeds';
 *
 * taxiiQuery({ limit: 100, match: { type: ['indicator', 'malware'], confidence: '80' } });
 * // 'limit=100&match%5Btype%5D=indicator%2Cmalware&match%5Bconfidence%5D=80'
 * ```
 */
export function taxiiQuery(filters: TaxiiFilters | undefined): string {
  if (!filters) return '';
  let query = '';
  const add = (name: string, value: string) => {
    query += `${query ? '&' : ''}${formEncode(name)}=${formEncode(value)}`;
  };
  if (filters.addedAfter !== undefined) {
    add(
      'added_after',
      filters.addedAfter instanceof Date ? filters.addedAfter.toISOString() : filters.addedAfter,
    );
  }
  if (filters.limit !== undefined) {
    if (!Number.isInteger(filters.limit) || filters.limit < 1)
      throw new TypeError('`limit` must be a positive integer.');
    add('limit', String(filters.limit));
  }
  if (filters.next !== undefined) add('next', filters.next);
  const match = filters.match;
  if (match) {
    const seen = new Set<string>();
    for (const key of Object.keys(match)) {
      const value = match[key];
      if (value === undefined) continue;
      const field = Object.hasOwn(KNOWN_FIELDS, key) ? KNOWN_FIELDS[key]! : key;
      if (!FIELD_PATTERN.test(field))
        throw new TypeError(
          `\`match\` field ${JSON.stringify(key.slice(0, 80))} is not a STIX property name ([a-z0-9_], dotted for nested properties).`,
        );
      if (seen.has(field))
        throw new TypeError(
          `\`match[${field}]\` is given twice (e.g. as specVersion and spec_version).`,
        );
      seen.add(field);
      if (typeof value !== 'string' && !Array.isArray(value))
        throw new TypeError(`\`match[${field}]\` must be a string or an array of strings.`);
      const values: readonly unknown[] = typeof value === 'string' ? [value] : value;
      for (const item of values) {
        if (typeof item !== 'string')
          throw new TypeError(`\`match[${field}]\` must be a string or an array of strings.`);
        // A comma inside one value would silently turn it into two alternatives.
        if (values.length > 1 && item.includes(','))
          throw new TypeError(`A \`match[${field}]\` value contains a comma: give it alone.`);
      }
      const text = values.join(',');
      if (text) add(`match[${field}]`, text);
    }
  }
  return query;
}

/** Writes filters into a URL's query string (replacing parameters of the same name). */
export function applyFilters(url: URL, filters: TaxiiFilters | undefined): URL {
  const query = taxiiQuery(filters);
  if (!query) return url;
  const params = new URLSearchParams(query);
  for (const name of new Set(params.keys())) url.searchParams.delete(name);
  url.search = url.search ? `${url.search.slice(1)}&${query}` : query;
  return url;
}

/** `url` with the filters' query appended. */
export function withFilters(url: string, filters: TaxiiFilters | undefined): string {
  const query = taxiiQuery(filters);
  return query ? `${url}${url.includes('?') ? '&' : '?'}${query}` : url;
}

const PLAIN = /^[A-Za-z0-9*._-]*$/;

// application/x-www-form-urlencoded, byte for byte what URLSearchParams writes (lone
// surrogates become U+FFFD there too instead of throwing).
function formEncode(text: string): string {
  if (PLAIN.test(text)) return text;
  let encoded: string;
  try {
    encoded = encodeURIComponent(text);
  } catch {
    encoded = encodeURIComponent(
      text.replace(
        /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g,
        '\uFFFD',
      ),
    );
  }
  return encoded
    .replace(/[!'()~]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)
    .replace(/%20/g, '+');
}

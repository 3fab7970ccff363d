/** Query filters for TAXII 2.1 object, manifest and versions endpoints (§3.4, §3.5). */
export interface TaxiiFilters {
  /** Only objects added after this time (`added_after`, §3.4.1). */
  addedAfter?: string | Date;
  /** Page size the client asks for (`limit`); servers may return fewer. */
  limit?: number;
  /** The server's pagination token from a previous page (`next`). */
  next?: string;
  /** `match[...]` filters (§3.5); arrays are sent comma-separated (logical OR). */
  match?: {
    id?: string | readonly string[];
    type?: string | readonly string[];
    /** `first`, `last`, `all` or timestamps (§3.5.1.1). */
    version?: string | readonly string[];
    specVersion?: string | readonly string[];
  };
}

/** Writes filters into a URL's query string. */
export function applyFilters(url: URL, filters: TaxiiFilters | undefined): URL {
  if (!filters) return url;
  const params = url.searchParams;
  if (filters.addedAfter !== undefined) {
    params.set(
      'added_after',
      filters.addedAfter instanceof Date ? filters.addedAfter.toISOString() : filters.addedAfter,
    );
  }
  if (filters.limit !== undefined) {
    if (!Number.isInteger(filters.limit) || filters.limit < 1)
      throw new TypeError('`limit` must be a positive integer.');
    params.set('limit', String(filters.limit));
  }
  if (filters.next !== undefined) params.set('next', filters.next);
  const match = filters.match;
  if (match) {
    const set = (name: string, value: string | readonly string[] | undefined) => {
      if (value === undefined) return;
      const text = typeof value === 'string' ? value : value.join(',');
      if (text) params.set(`match[${name}]`, text);
    };
    set('id', match.id);
    set('type', match.type);
    set('version', match.version);
    set('spec_version', match.specVersion);
  }
  return url;
}

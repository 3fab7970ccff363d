import type { IssueView } from './summarize-bundle';

/** What the dashboard needs from a parsed bundle. */
export interface ParsedBundle {
  readonly objects: readonly unknown[];
  readonly issues: readonly IssueView[];
  readonly valid: boolean;
}

/**
 * Parses one bundle's JSON text. This is the dashboard's only call into the STIX parser,
 * so swapping or upgrading the parser touches this function alone.
 *
 * TEMPORARY: `parseStix` from `@intelshare/stix` is being written; until it lands this
 * reads the bundle with `JSON.parse` and reports no validation issues.
 *
 * @param text - the bundle file's text
 * @returns its objects and validation issues
 */
export function parseBundle(text: string): ParsedBundle {
  const value: unknown = JSON.parse(text);
  const objects =
    typeof value === 'object' &&
    value !== null &&
    'objects' in value &&
    Array.isArray(value.objects)
      ? (value.objects as unknown[])
      : [];
  return { objects, issues: [], valid: true };
}

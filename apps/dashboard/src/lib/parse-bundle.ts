import { parseStix } from '@intelshare/stix';
import type { IssueView } from './summarize-bundle';

/** What the dashboard needs from a parsed bundle. */
export interface ParsedBundle {
  /** The objects the parser accepted (strict mode leaves out objects with errors). */
  readonly objects: readonly unknown[];
  readonly issues: readonly IssueView[];
  readonly valid: boolean;
}

/**
 * Parses and validates one bundle's JSON text with `@intelshare/stix`. This is the
 * dashboard's only call into the parser, so changing how bundles are read (mode, limits,
 * another source) touches this function alone.
 *
 * Strict mode (the default) so the page shows real spec violations as errors;
 * `allowCustom` because ATT&CK is built on custom `x-mitre-*` objects and `x_mitre_*`
 * properties, which STIX 2.1 §11 allows.
 *
 * @param text - the bundle file's text
 * @returns the accepted objects and every validation issue
 */
export function parseBundle(text: string): ParsedBundle {
  const { objects, issues, valid } = parseStix(text, { allowCustom: true });
  return { objects, issues, valid };
}

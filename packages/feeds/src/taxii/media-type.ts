/** A parsed `Content-Type`/`Accept` value: `type/subtype` in lower case plus its parameters. */
export interface MediaType {
  essence: string;
  parameters: Record<string, string>;
}

/**
 * Parses a media type leniently (case, whitespace, quoted parameters), as TAXII 2.1 §1.6.8
 * servers send them in many spellings.
 *
 * @example
 * ```ts
 * import { parseMediaType } from '@intelshare/feeds';
 *
 * parseMediaType('Application/TAXII+JSON ; Version="2.1"');
 * // { essence: 'application/taxii+json', parameters: { version: '2.1' } }
 * ```
 */
export function parseMediaType(value: string): MediaType {
  const [essence = '', ...params] = value.split(';');
  const parameters: Record<string, string> = Object.create(null);
  for (const param of params) {
    const eq = param.indexOf('=');
    if (eq === -1) continue;
    const key = param.slice(0, eq).trim().toLowerCase();
    let raw = param.slice(eq + 1).trim();
    if (raw.length >= 2 && raw.startsWith('"') && raw.endsWith('"')) raw = raw.slice(1, -1);
    if (key) parameters[key] = raw;
  }
  return { essence: essence.trim().toLowerCase(), parameters };
}

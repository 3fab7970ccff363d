import type { StixObjectKind } from '../model/define-type';
import type { ValidationContext } from './context';

/**
 * STIX 2.1 §2.9 on the version of the UUID in an identifier:
 * - "STIX Domain Objects, STIX Relationship Objects, STIX Meta Objects, and STIX Bundle
 *   Object SHOULD use UUIDv4"; a producer using UUIDv5 there "MUST NOT use a namespace of
 *   00abedb4-aa42-466c-9c01-fed23315a9b7" — which the id alone cannot reveal, so any other
 *   version is a warning;
 * - "STIX Cyber-observable Objects SHOULD use UUIDv5", computed from their ID Contributing
 *   Properties, and UUIDv4 when none of them is present (§2.9) — so an SCO with a
 *   contributing property and a non-v5 id is a warning.
 * `id` has already been checked to be `type--UUID`, so its version digit is in place.
 */
export function checkUuidVersion(
  o: Record<string, unknown>,
  id: string,
  kind: StixObjectKind | 'bundle',
  idContributing: readonly string[] | undefined,
  ctx: ValidationContext,
  path: string,
): void {
  const version = id.charCodeAt(id.length - 22) - 48;
  if (kind === 'sco') {
    if (version === 5 || idContributing === undefined) return;
    let present = false;
    for (let i = 0; i < idContributing.length; i++)
      if (o[idContributing[i]!] !== undefined) {
        present = true;
        break;
      }
    if (!present) return;
    ctx.warn('UUID_VERSION', path, 'id', scoMessage(idContributing, version));
  } else if (version !== 4) {
    ctx.warn(
      'UUID_VERSION',
      path,
      'id',
      message(
        `${kind}${version}`,
        () =>
          `${kind === 'bundle' ? 'Bundle' : 'SDO, SRO and meta object'} ids should use a UUIDv4, not a UUIDv${version} (STIX 2.1 §2.9).`,
      ),
    );
  }
}

// Keyed by the type's (constant) list of contributing properties, then the version digit.
const scoMessages = new Map<readonly string[], string[]>();

function scoMessage(idContributing: readonly string[], version: number): string {
  let byVersion = scoMessages.get(idContributing);
  if (byVersion === undefined) {
    byVersion = [];
    scoMessages.set(idContributing, byVersion);
  }
  let text = byVersion[version];
  if (text === undefined) {
    text = `SCO ids should use a UUIDv5 derived from their ID Contributing Properties (${idContributing.join(', ')}), not a UUIDv${version} (STIX 2.1 §2.9).`;
    byVersion[version] = text;
  }
  return text;
}

// Messages depend only on the kind, the version and the type's properties: built once each.
const messages = new Map<string, string>();

function message(key: string, build: () => string): string {
  let text = messages.get(key);
  if (text === undefined) {
    text = build();
    if (messages.size < 256) messages.set(key, text);
  }
  return text;
}

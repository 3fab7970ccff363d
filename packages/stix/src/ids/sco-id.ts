import { IntelshareError } from '../errors/intelshare-error';
import { STIX_TYPES } from '../model/schemas';
import { canonicalize } from './canonicalize';
import { uuidV5 } from './uuid-v5';

/**
 * STIX 2.1 §2.9: the UUIDv5 namespace of deterministic SCO identifiers.
 *
 * @example
 * ```ts
 * import { SCO_ID_NAMESPACE, uuidV5 } from '@intelshare/stix';
 *
 * uuidV5(SCO_ID_NAMESPACE, '{"value":"198.51.100.3"}'); // '28bb3599-77cd-5a82-a950-b5bc3caf07c4'
 * ```
 * @see /stix/ids/
 */
export const SCO_ID_NAMESPACE = '00abedb4-aa42-466c-9c01-fed23315a9b7';

/** STIX 2.1 §2.9: when `hashes` contributes, one hash is used, in this order of preference. */
const HASH_PREFERENCE = ['MD5', 'SHA-1', 'SHA-256', 'SHA-512'] as const;

/**
 * Computes the deterministic identifier of a STIX Cyber-observable Object: UUIDv5 in the
 * SCO namespace over the RFC 8785 canonical JSON of the object's present
 * ID Contributing Properties (STIX 2.1 §2.9 and each type's section in §6).
 * Types without contributing properties (process) or objects with none present get a
 * random UUIDv4, as the spec requires.
 *
 * @param sco - An SCO with at least `type`; `id` is ignored.
 * @returns The identifier, e.g. `ipv4-addr--ff26c055-6336-5bc5-b98d-13d6226742dd`.
 * @throws {TypeError} When `sco.type` is not an SCO type the spec defines.
 *
 * @example
 * ```ts
 * import { generateScoId } from '@intelshare/stix';
 *
 * generateScoId({ type: 'ipv4-addr', value: '198.51.100.3' });
 * // 'ipv4-addr--<uuid v5 of {"value":"198.51.100.3"}>'
 * ```
 * @see /stix/ids/
 */
export function generateScoId(sco: { type: string; [key: string]: unknown }): string {
  if (typeof sco !== 'object' || sco === null || typeof sco.type !== 'string')
    throw new TypeError('`sco` must be an object with a `type`.');
  const def = STIX_TYPES.get(sco.type);
  if (def?.kind !== 'sco' || def.idContributing === undefined)
    throw new TypeError(`\`${sco.type}\` is not a STIX 2.1 cyber-observable type.`);
  const contributing: Record<string, unknown> = {};
  let present = 0;
  for (const name of def.idContributing) {
    let value = sco[name];
    if (value === undefined) continue;
    if (name === 'hashes') {
      value = chooseHash(value);
      if (value === undefined) continue;
    }
    contributing[name] = value;
    present++;
  }
  if (present === 0) return `${sco.type}--${crypto.randomUUID()}`;
  try {
    return `${sco.type}--${uuidV5(SCO_ID_NAMESPACE, canonicalize(contributing))}`;
  } catch (cause) {
    throw new IntelshareError(
      'INVALID_ARGUMENT',
      'The ID contributing properties are not valid JSON.',
      { cause },
    );
  }
}

function chooseHash(hashes: unknown): Record<string, unknown> | undefined {
  if (typeof hashes !== 'object' || hashes === null) return undefined;
  const record = hashes as Record<string, unknown>;
  for (const name of HASH_PREFERENCE)
    if (record[name] !== undefined) return { [name]: record[name] };
  // No preferred algorithm: the first one given is used.
  const first = Object.keys(record)[0];
  return first === undefined ? undefined : { [first]: record[first] };
}

/**
 * One problem found in STIX input. `path` is a JSON path into the input, such as
 * `objects[3].pattern`; `code` is stable so callers can branch on it.
 */
export interface StixIssue {
  /** `error` for a broken spec MUST (in strict mode), `warning` for everything else. */
  severity: 'error' | 'warning';
  /** A stable, machine-readable code such as `INVALID_TIMESTAMP`. */
  code: StixIssueCode;
  /** Where the problem is, as a JSON path (`objects[3].valid_until`). Empty for the input root. */
  path: string;
  /** One sentence saying what is wrong. */
  message: string;
}

/** The stable issue codes {@link StixIssue.code} takes. */
export type StixIssueCode =
  | 'INVALID_JSON'
  | 'LIMIT_EXCEEDED'
  | 'INVALID_INPUT'
  | 'FORBIDDEN_KEY'
  | 'MISSING_PROPERTY'
  | 'INVALID_TYPE'
  | 'INVALID_VALUE'
  | 'INVALID_ID'
  | 'ID_TYPE_MISMATCH'
  | 'INVALID_REF'
  | 'REF_TYPE_NOT_ALLOWED'
  | 'INVALID_TIMESTAMP'
  | 'TIMESTAMP_ORDER'
  | 'ENUM_VALUE'
  | 'OPEN_VOCAB'
  | 'EMPTY_LIST'
  | 'OUT_OF_RANGE'
  | 'INVALID_BINARY'
  | 'INVALID_HEX'
  | 'INVALID_PROPERTY_NAME'
  | 'RESERVED_PROPERTY'
  | 'CUSTOM_PROPERTY'
  | 'CUSTOM_OBJECT'
  | 'CUSTOM_EXTENSION'
  | 'INVALID_EXTENSION'
  | 'UNKNOWN_HASH'
  | 'INVALID_SPEC_VERSION'
  | 'MUTUALLY_EXCLUSIVE'
  | 'AT_LEAST_ONE'
  | 'DEPENDENT_PROPERTY'
  | 'INVALID_SELECTOR'
  | 'INVALID_TLP'
  | 'INVALID_PATTERN'
  | 'DUPLICATE_OBJECT'
  | 'DUPLICATE_CONFLICT'
  | 'UPGRADED'
  | 'INVALID_IP_ADDRESS'
  | 'INVALID_EMAIL_ADDRESS'
  | 'INVALID_URL'
  | 'INVALID_MIME_TYPE'
  | 'UNREGISTERED_MIME_TYPE'
  | 'INVALID_CHARSET'
  | 'INVALID_CPE'
  | 'INVALID_LANGUAGE_TAG'
  | 'INVALID_COUNTRY'
  | 'INVALID_REGISTRY_KEY'
  | 'INVALID_EXTERNAL_ID'
  | 'UUID_VERSION'
  | 'NAME_STYLE'
  | 'UNSUGGESTED_RELATIONSHIP';

const PLAIN_KEY = /^[A-Za-z_$][\w$-]*$/;
const plainKeys = new Map<string, boolean>();

/** Joins a JSON path and a key: `objects[3]` + `pattern` → `objects[3].pattern`. */
export function joinPath(parent: string, key: string | number): string {
  if (typeof key === 'number') return `${parent}[${key}]`;
  // Keys that are not plain identifiers are quoted so paths stay unambiguous. The check is
  // memoised because the same property names recur in every object (bounded: input keys).
  let plain = plainKeys.get(key);
  if (plain === undefined) {
    plain = PLAIN_KEY.test(key);
    if (plainKeys.size < 4096) plainKeys.set(key, plain);
  }
  if (!plain) return `${parent}[${JSON.stringify(key)}]`;
  return parent === '' ? key : `${parent}.${key}`;
}

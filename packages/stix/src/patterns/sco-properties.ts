/** The value kinds of SCO properties, as far as patterns care. */
export type PropertyKind =
  | 'string'
  | 'integer'
  | 'float'
  | 'boolean'
  | 'timestamp'
  | 'hex'
  | 'binary'
  | 'ref'
  | 'refs'
  | 'list'
  | 'dictionary'
  | 'hashes'
  | 'object';

const common: Record<string, PropertyKind> = {
  type: 'string',
  id: 'string',
  spec_version: 'string',
  object_marking_refs: 'refs',
  granular_markings: 'list',
  defanged: 'boolean',
  extensions: 'dictionary',
};

/**
 * The SCO types of STIX 2.1 §6 and their properties, used by the validator to warn about
 * typos and literal type mismatches. Custom types (`x-...`) and properties (`x_...`)
 * are allowed with a warning.
 *
 * @example
 * ```ts
 * import { SCO_PROPERTIES } from '@intelshare/stix/patterns';
 *
 * SCO_PROPERTIES.file?.size; // 'integer'
 * ```
 */
export const SCO_PROPERTIES: Readonly<Record<string, Readonly<Record<string, PropertyKind>>>> = {
  artifact: {
    mime_type: 'string',
    payload_bin: 'binary',
    url: 'string',
    hashes: 'hashes',
    encryption_algorithm: 'string',
    decryption_key: 'string',
  },
  'autonomous-system': { number: 'integer', name: 'string', rir: 'string' },
  directory: {
    path: 'string',
    path_enc: 'string',
    ctime: 'timestamp',
    mtime: 'timestamp',
    atime: 'timestamp',
    contains_refs: 'refs',
  },
  'domain-name': { value: 'string', resolves_to_refs: 'refs' },
  'email-addr': { value: 'string', display_name: 'string', belongs_to_ref: 'ref' },
  'email-message': {
    is_multipart: 'boolean',
    date: 'timestamp',
    content_type: 'string',
    from_ref: 'ref',
    sender_ref: 'ref',
    to_refs: 'refs',
    cc_refs: 'refs',
    bcc_refs: 'refs',
    message_id: 'string',
    subject: 'string',
    received_lines: 'list',
    additional_header_fields: 'dictionary',
    body: 'string',
    body_multipart: 'list',
    raw_email_ref: 'ref',
  },
  file: {
    hashes: 'hashes',
    size: 'integer',
    name: 'string',
    name_enc: 'string',
    magic_number_hex: 'hex',
    mime_type: 'string',
    ctime: 'timestamp',
    mtime: 'timestamp',
    atime: 'timestamp',
    created: 'timestamp',
    modified: 'timestamp',
    accessed: 'timestamp',
    parent_directory_ref: 'ref',
    contains_refs: 'refs',
    content_ref: 'ref',
  },
  'ipv4-addr': { value: 'string', resolves_to_refs: 'refs', belongs_to_refs: 'refs' },
  'ipv6-addr': { value: 'string', resolves_to_refs: 'refs', belongs_to_refs: 'refs' },
  'mac-addr': { value: 'string' },
  mutex: { name: 'string' },
  'network-traffic': {
    start: 'timestamp',
    end: 'timestamp',
    is_active: 'boolean',
    src_ref: 'ref',
    dst_ref: 'ref',
    src_port: 'integer',
    dst_port: 'integer',
    protocols: 'list',
    src_byte_count: 'integer',
    dst_byte_count: 'integer',
    src_packets: 'integer',
    dst_packets: 'integer',
    ipfix: 'dictionary',
    src_payload_ref: 'ref',
    dst_payload_ref: 'ref',
    encapsulates_refs: 'refs',
    encapsulated_by_ref: 'ref',
  },
  process: {
    is_hidden: 'boolean',
    pid: 'integer',
    name: 'string',
    created_time: 'timestamp',
    cwd: 'string',
    command_line: 'string',
    environment_variables: 'dictionary',
    opened_connection_refs: 'refs',
    creator_user_ref: 'ref',
    image_ref: 'ref',
    parent_ref: 'ref',
    child_refs: 'refs',
  },
  software: {
    name: 'string',
    cpe: 'string',
    swid: 'string',
    languages: 'list',
    vendor: 'string',
    version: 'string',
  },
  url: { value: 'string' },
  'user-account': {
    user_id: 'string',
    credential: 'string',
    account_login: 'string',
    account_type: 'string',
    display_name: 'string',
    is_service_account: 'boolean',
    is_privileged: 'boolean',
    can_escalate_privs: 'boolean',
    is_disabled: 'boolean',
    account_created: 'timestamp',
    account_expires: 'timestamp',
    credential_last_changed: 'timestamp',
    account_first_login: 'timestamp',
    account_last_login: 'timestamp',
  },
  'windows-registry-key': {
    key: 'string',
    values: 'list',
    modified_time: 'timestamp',
    creator_user_ref: 'ref',
    number_of_subkeys: 'integer',
  },
  'x509-certificate': {
    is_self_signed: 'boolean',
    hashes: 'hashes',
    version: 'string',
    serial_number: 'string',
    signature_algorithm: 'string',
    issuer: 'string',
    validity_not_before: 'timestamp',
    validity_not_after: 'timestamp',
    subject: 'string',
    subject_public_key_algorithm: 'string',
    subject_public_key_modulus: 'string',
    subject_public_key_exponent: 'integer',
    x509_v3_extensions: 'object',
  },
};

/** The kind of a top-level property of a known SCO type, or undefined when unknown. */
export function propertyKind(type: string, property: string): PropertyKind | undefined {
  const props = knownScoProperties(type);
  if (!props) return undefined;
  if (Object.hasOwn(props, property)) return props[property];
  return Object.hasOwn(common, property) ? common[property] : undefined;
}

/**
 * The property table of a STIX 2.1 SCO type, or `undefined` for any other name. Own keys
 * only: the type comes from a pattern, and `constructor` or `toString` are not SCO types.
 */
export function knownScoProperties(
  type: string,
): Readonly<Record<string, PropertyKind>> | undefined {
  return Object.hasOwn(SCO_PROPERTIES, type) ? SCO_PROPERTIES[type] : undefined;
}

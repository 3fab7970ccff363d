import {
  atLeastOne,
  dependsOn,
  extensionsProp,
  hashesProp,
  mutuallyExclusive,
  objectProp,
  scoCommon,
  timestampOrder,
} from './common';
import { defineStixType } from './define-type';
import {
  binary,
  bool,
  dict,
  enumOf,
  hex,
  int,
  list,
  ref,
  refs,
  req,
  str,
  timestamp,
  vocab,
} from './props';
import * as X from './sco-extensions';
import {
  addrSpec,
  charset,
  cpe23,
  ipv4Value,
  ipv6Value,
  languageTag,
  mediaType,
  registryKey,
  uri,
} from './value-props';
import * as V from './vocabularies';

// STIX 2.1 §6: STIX Cyber-observable Objects, each with its "ID Contributing Properties".

const common = () => ({ ...scoCommon(), extensions: extensionsProp() });

/** STIX 2.1 §6.1 Artifact. */
export const artifactType = defineStixType(
  'artifact',
  'sco',
  {
    ...common(),
    mime_type: mediaType(),
    payload_bin: binary(),
    url: uri(),
    hashes: hashesProp(),
    encryption_algorithm: enumOf(V.ENCRYPTION_ALGORITHM_ENUM),
    decryption_key: str(),
  },
  [
    // STIX 2.1 §6.1: one of `payload_bin` and `url` MUST be provided, and not both.
    atLeastOne(['payload_bin', 'url']),
    mutuallyExclusive(['payload_bin', 'url']),
    dependsOn('url', 'hashes'),
    dependsOn('decryption_key', 'encryption_algorithm'),
  ],
  { idContributing: ['hashes', 'payload_bin'] },
);

/** STIX 2.1 §6.2 Autonomous System. */
export const autonomousSystemType = defineStixType(
  'autonomous-system',
  'sco',
  {
    ...common(),
    number: req(int(0)),
    name: str(),
    rir: str(),
  },
  [],
  { idContributing: ['number'] },
);

/** STIX 2.1 §6.3 Directory. */
export const directoryType = defineStixType(
  'directory',
  'sco',
  {
    ...common(),
    path: req(str()),
    path_enc: charset(),
    ctime: timestamp(),
    mtime: timestamp(),
    atime: timestamp(),
    contains_refs: refs(['file', 'directory']),
  },
  [],
  { idContributing: ['path'] },
);

/** STIX 2.1 §6.4 Domain Name. */
export const domainNameType = defineStixType(
  'domain-name',
  'sco',
  {
    ...common(),
    value: req(str()),
    resolves_to_refs: refs(['ipv4-addr', 'ipv6-addr', 'domain-name']),
  },
  [],
  { idContributing: ['value'] },
);

/** STIX 2.1 §6.5 Email Address. */
export const emailAddrType = defineStixType(
  'email-addr',
  'sco',
  {
    ...common(),
    value: req(addrSpec()),
    display_name: str(),
    belongs_to_ref: ref(['user-account']),
  },
  [],
  { idContributing: ['value'] },
);

/** STIX 2.1 §6.6 Email Message. */
export const emailMessageType = defineStixType(
  'email-message',
  'sco',
  {
    ...common(),
    is_multipart: req(bool()),
    date: timestamp(),
    content_type: str(),
    from_ref: ref(['email-addr']),
    sender_ref: ref(['email-addr']),
    to_refs: refs(['email-addr']),
    cc_refs: refs(['email-addr']),
    bcc_refs: refs(['email-addr']),
    message_id: str(),
    subject: str(),
    received_lines: list(str()),
    additional_header_fields: dict(),
    body: str(),
    body_multipart: list(objectProp(X.emailMimePart)),
    raw_email_ref: ref(['artifact']),
  },
  [dependsOn('body_multipart', 'is_multipart', true), dependsOn('body', 'is_multipart', false)],
  { idContributing: ['from_ref', 'subject', 'body'] },
);

/** STIX 2.1 §6.7 File. */
export const fileType = defineStixType(
  'file',
  'sco',
  {
    ...scoCommon(),
    extensions: extensionsProp({
      'ntfs-ext': X.ntfsExt,
      'raster-image-ext': X.rasterImageExt,
      'pdf-ext': X.pdfExt,
      'archive-ext': X.archiveExt,
      'windows-pebinary-ext': X.windowsPebinaryExt,
    }),
    hashes: hashesProp(),
    size: int(0),
    name: str(),
    name_enc: charset(),
    magic_number_hex: hex(),
    mime_type: mediaType(),
    ctime: timestamp(),
    mtime: timestamp(),
    atime: timestamp(),
    parent_directory_ref: ref(['directory']),
    contains_refs: refs(),
    content_ref: ref(['artifact']),
  },
  [atLeastOne(['hashes', 'name'])],
  { idContributing: ['hashes', 'name', 'extensions', 'parent_directory_ref'] },
);

/** STIX 2.1 §6.8 IPv4 Address. */
export const ipv4AddrType = defineStixType(
  'ipv4-addr',
  'sco',
  {
    ...common(),
    value: req(ipv4Value()),
    resolves_to_refs: refs(['mac-addr']),
    belongs_to_refs: refs(['autonomous-system']),
  },
  [],
  { idContributing: ['value'] },
);

/** STIX 2.1 §6.9 IPv6 Address. */
export const ipv6AddrType = defineStixType(
  'ipv6-addr',
  'sco',
  {
    ...common(),
    value: req(ipv6Value()),
    resolves_to_refs: refs(['mac-addr']),
    belongs_to_refs: refs(['autonomous-system']),
  },
  [],
  { idContributing: ['value'] },
);

/** STIX 2.1 §6.10 MAC Address. */
export const macAddrType = defineStixType(
  'mac-addr',
  'sco',
  {
    ...common(),
    value: req(str()),
  },
  [],
  { idContributing: ['value'] },
);

/** STIX 2.1 §6.11 Mutex. */
export const mutexType = defineStixType(
  'mutex',
  'sco',
  {
    ...common(),
    name: req(str()),
  },
  [],
  { idContributing: ['name'] },
);

const endpointTypes = ['ipv4-addr', 'ipv6-addr', 'mac-addr', 'domain-name'];

/** STIX 2.1 §6.12 Network Traffic. */
export const networkTrafficType = defineStixType(
  'network-traffic',
  'sco',
  {
    ...scoCommon(),
    extensions: extensionsProp({
      'http-request-ext': X.httpRequestExt,
      'icmp-ext': X.icmpExt,
      'socket-ext': X.socketExt,
      'tcp-ext': X.tcpExt,
    }),
    start: timestamp(),
    end: timestamp(),
    is_active: bool(),
    src_ref: ref(endpointTypes),
    dst_ref: ref(endpointTypes),
    src_port: int(0, 65535),
    dst_port: int(0, 65535),
    protocols: req(list(str())),
    src_byte_count: int(0),
    dst_byte_count: int(0),
    src_packets: int(0),
    dst_packets: int(0),
    ipfix: dict(),
    src_payload_ref: ref(['artifact']),
    dst_payload_ref: ref(['artifact']),
    encapsulates_refs: refs(['network-traffic']),
    encapsulated_by_ref: ref(['network-traffic']),
  },
  [
    atLeastOne(['src_ref', 'dst_ref']),
    timestampOrder('start', 'end', false),
    // STIX 2.1 §6.12: an active flow has no `end`.
    (o, ctx, path) => {
      if (o.is_active === true && o.end !== undefined)
        ctx.fail(
          'MUTUALLY_EXCLUSIVE',
          path,
          'end',
          '`end` must not be present when `is_active` is true.',
        );
    },
  ],
  {
    idContributing: [
      'start',
      'end',
      'src_ref',
      'dst_ref',
      'src_port',
      'dst_port',
      'protocols',
      'extensions',
    ],
  },
);

/** STIX 2.1 §6.13 Process (ids are random UUIDv4: no contributing properties). */
export const processType = defineStixType(
  'process',
  'sco',
  {
    ...scoCommon(),
    extensions: extensionsProp({
      'windows-process-ext': X.windowsProcessExt,
      'windows-service-ext': X.windowsServiceExt,
    }),
    is_hidden: bool(),
    pid: int(),
    created_time: timestamp(),
    cwd: str(),
    command_line: str(),
    environment_variables: dict(),
    opened_connection_refs: refs(['network-traffic']),
    creator_user_ref: ref(['user-account']),
    image_ref: ref(['file']),
    parent_ref: ref(['process']),
    child_refs: refs(['process']),
  },
  [],
  { idContributing: [] },
);

/** STIX 2.1 §6.14 Software. */
export const softwareType = defineStixType(
  'software',
  'sco',
  {
    ...common(),
    name: req(str()),
    cpe: cpe23(),
    swid: str(),
    languages: list(languageTag()),
    vendor: str(),
    version: str(),
  },
  [],
  { idContributing: ['name', 'cpe', 'swid', 'vendor', 'version'] },
);

/** STIX 2.1 §6.15 URL. */
export const urlType = defineStixType(
  'url',
  'sco',
  {
    ...common(),
    value: req(uri()),
  },
  [],
  { idContributing: ['value'] },
);

/** STIX 2.1 §6.16 User Account. */
export const userAccountType = defineStixType(
  'user-account',
  'sco',
  {
    ...scoCommon(),
    extensions: extensionsProp({ 'unix-account-ext': X.unixAccountExt }),
    user_id: str(),
    credential: str(),
    account_login: str(),
    account_type: vocab('account-type-ov', V.ACCOUNT_TYPE_OV),
    display_name: str(),
    is_service_account: bool(),
    is_privileged: bool(),
    can_escalate_privs: bool(),
    is_disabled: bool(),
    account_created: timestamp(),
    account_expires: timestamp(),
    credential_last_changed: timestamp(),
    account_first_login: timestamp(),
    account_last_login: timestamp(),
  },
  [],
  { idContributing: ['account_type', 'user_id', 'account_login'] },
);

/** STIX 2.1 §6.17 Windows Registry Key. */
export const windowsRegistryKeyType = defineStixType(
  'windows-registry-key',
  'sco',
  {
    ...common(),
    key: registryKey(),
    values: list(objectProp(X.windowsRegistryValue)),
    modified_time: timestamp(),
    creator_user_ref: ref(['user-account']),
    number_of_subkeys: int(0),
  },
  [],
  { idContributing: ['key', 'values'] },
);

/** STIX 2.1 §6.18 X.509 Certificate. */
export const x509CertificateType = defineStixType(
  'x509-certificate',
  'sco',
  {
    ...common(),
    is_self_signed: bool(),
    hashes: hashesProp(),
    version: str(),
    serial_number: str(),
    signature_algorithm: str(),
    issuer: str(),
    validity_not_before: timestamp(),
    validity_not_after: timestamp(),
    subject: str(),
    subject_public_key_algorithm: str(),
    subject_public_key_modulus: str(),
    subject_public_key_exponent: int(0),
    x509_v3_extensions: objectProp(X.x509V3Extensions),
  },
  [timestampOrder('validity_not_before', 'validity_not_after', false)],
  { idContributing: ['hashes', 'serial_number'] },
);

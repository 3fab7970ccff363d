import { hashesProp, mutuallyExclusive, objectProp } from './common';
import {
  bool,
  dict,
  dictOf,
  enumOf,
  hex,
  int,
  list,
  nested,
  num,
  ref,
  refs,
  req,
  str,
  timestamp,
  vocab,
} from './props';
import * as V from './vocabularies';

// STIX 2.1 §6: the predefined extensions of the File, Network Traffic, Process and
// User Account SCOs.

/** STIX 2.1 §6.7.2 Archive File Extension (`archive-ext`). */
export const archiveExt = nested({
  contains_refs: req(refs(['file', 'directory'])),
  comment: str(),
});

/** STIX 2.1 §6.7.3 NTFS File Extension (`ntfs-ext`). */
export const ntfsExt = nested({
  sid: str(),
  alternate_data_streams: list(
    objectProp(nested({ name: req(str()), hashes: hashesProp(), size: int(0) })),
  ),
});

/** STIX 2.1 §6.7.4 PDF File Extension (`pdf-ext`). */
export const pdfExt = nested({
  version: str(),
  is_optimized: bool(),
  document_info_dict: dictOf(str()),
  pdfid0: str(),
  pdfid1: str(),
});

/** STIX 2.1 §6.7.5 Raster Image File Extension (`raster-image-ext`). */
export const rasterImageExt = nested({
  image_height: int(),
  image_width: int(),
  bits_per_pixel: int(),
  exif_tags: dict(),
});

const peOptionalHeader = nested({
  magic_hex: hex(),
  major_linker_version: int(),
  minor_linker_version: int(),
  size_of_code: int(0),
  size_of_initialized_data: int(0),
  size_of_uninitialized_data: int(0),
  address_of_entry_point: int(),
  base_of_code: int(),
  base_of_data: int(),
  image_base: int(),
  section_alignment: int(),
  file_alignment: int(),
  major_os_version: int(),
  minor_os_version: int(),
  major_image_version: int(),
  minor_image_version: int(),
  major_subsystem_version: int(),
  minor_subsystem_version: int(),
  win32_version_value_hex: hex(),
  size_of_image: int(0),
  size_of_headers: int(0),
  checksum_hex: hex(),
  subsystem_hex: hex(),
  dll_characteristics_hex: hex(),
  size_of_stack_reserve: int(0),
  size_of_stack_commit: int(0),
  size_of_heap_reserve: int(0),
  size_of_heap_commit: int(0),
  loader_flags_hex: hex(),
  number_of_rva_and_sizes: int(),
  hashes: hashesProp(),
});

/** STIX 2.1 §6.7.6 Windows PE Binary File Extension (`windows-pebinary-ext`). */
export const windowsPebinaryExt = nested({
  pe_type: req(vocab('windows-pebinary-type-ov', V.WINDOWS_PEBINARY_TYPE_OV)),
  imphash: str(),
  machine_hex: hex(),
  number_of_sections: int(0),
  time_date_stamp: timestamp(),
  pointer_to_symbol_table_hex: hex(),
  number_of_symbols: int(0),
  size_of_optional_header: int(0),
  characteristics_hex: hex(),
  optional_header: objectProp(peOptionalHeader),
  sections: list(
    objectProp(nested({ name: req(str()), size: int(0), entropy: num(), hashes: hashesProp() })),
  ),
});

/** STIX 2.1 §6.12.2 HTTP Request Extension (`http-request-ext`). */
export const httpRequestExt = nested({
  request_method: req(str()),
  request_value: req(str()),
  request_version: str(),
  request_header: dict(),
  message_body_length: int(0),
  message_body_data_ref: ref(['artifact']),
});

/** STIX 2.1 §6.12.3 ICMP Extension (`icmp-ext`). */
export const icmpExt = nested({
  icmp_type_hex: req(hex()),
  icmp_code_hex: req(hex()),
});

/** STIX 2.1 §6.12.4 Network Socket Extension (`socket-ext`). */
export const socketExt = nested({
  address_family: req(enumOf(V.NETWORK_SOCKET_ADDRESS_FAMILY_ENUM)),
  is_blocking: bool(),
  is_listening: bool(),
  options: dict(),
  socket_type: enumOf(V.NETWORK_SOCKET_TYPE_ENUM),
  socket_descriptor: int(0),
  socket_handle: int(),
});

/** STIX 2.1 §6.12.5 TCP Extension (`tcp-ext`). */
export const tcpExt = nested({
  src_flags_hex: hex(),
  dst_flags_hex: hex(),
});

/** STIX 2.1 §6.13.2 Windows Process Extension (`windows-process-ext`). */
export const windowsProcessExt = nested({
  aslr_enabled: bool(),
  dep_enabled: bool(),
  priority: str(),
  owner_sid: str(),
  window_title: str(),
  startup_info: dict(),
  integrity_level: enumOf(V.WINDOWS_INTEGRITY_LEVEL_ENUM),
});

/** STIX 2.1 §6.13.3 Windows Service Extension (`windows-service-ext`). */
export const windowsServiceExt = nested({
  service_name: str(),
  descriptions: list(str()),
  display_name: str(),
  group_name: str(),
  start_type: enumOf(V.WINDOWS_SERVICE_START_TYPE_ENUM),
  service_dll_refs: refs(['file']),
  service_type: enumOf(V.WINDOWS_SERVICE_TYPE_ENUM),
  service_status: enumOf(V.WINDOWS_SERVICE_STATUS_ENUM),
});

/** STIX 2.1 §6.16.2 UNIX Account Extension (`unix-account-ext`). */
export const unixAccountExt = nested({
  gid: int(),
  groups: list(str()),
  home_dir: str(),
  shell: str(),
});

/** STIX 2.1 §6.6.2 MIME part of an email body. */
export const emailMimePart = nested(
  {
    body: str(),
    body_raw_ref: ref(['artifact', 'file']),
    content_type: str(),
    content_disposition: str(),
  },
  [mutuallyExclusive(['body', 'body_raw_ref'])],
);

/** STIX 2.1 §6.17.2 Windows registry value. */
export const windowsRegistryValue = nested({
  name: str(),
  data: str(),
  data_type: enumOf(V.WINDOWS_REGISTRY_DATATYPE_ENUM),
});

/** STIX 2.1 §6.18.2 X.509 v3 extensions. */
export const x509V3Extensions = nested({
  basic_constraints: str(),
  name_constraints: str(),
  policy_constraints: str(),
  key_usage: str(),
  extended_key_usage: str(),
  subject_key_identifier: str(),
  authority_key_identifier: str(),
  subject_alternative_name: str(),
  issuer_alternative_name: str(),
  subject_directory_attributes: str(),
  crl_distribution_points: str(),
  inhibit_any_policy: str(),
  private_key_usage_period_not_before: timestamp(),
  private_key_usage_period_not_after: timestamp(),
  certificate_policies: str(),
  policy_mappings: str(),
});

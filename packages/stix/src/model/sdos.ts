import {
  atLeastOne,
  dependsOn,
  extensionsProp,
  killChainPhase,
  mutuallyExclusive,
  objectProp,
  sdoCommon,
  timestampOrder,
} from './common';
import { defineStixType } from './define-type';
import {
  bool,
  dict,
  enumOf,
  int,
  list,
  num,
  type Rule,
  ref,
  refs,
  req,
  str,
  timestamp,
  vocab,
} from './props';
import { countryCode } from './value-props';
import * as V from './vocabularies';

// STIX 2.1 §4: STIX Domain Objects. Each definition lists the type-specific properties
// after the common ones (§3.2).

const killChainPhases = () => list(objectProp(killChainPhase));
const common = () => ({ ...sdoCommon(), extensions: extensionsProp() });
const createdModified = timestampOrder('created', 'modified', false);
const seen = timestampOrder('first_seen', 'last_seen', false);

/** STIX 2.1 §4.1 Attack Pattern. */
export const attackPatternType = defineStixType(
  'attack-pattern',
  'sdo',
  {
    ...common(),
    name: req(str()),
    description: str(),
    aliases: list(str()),
    kill_chain_phases: killChainPhases(),
  },
  [createdModified],
);

/** STIX 2.1 §4.2 Campaign. */
export const campaignType = defineStixType(
  'campaign',
  'sdo',
  {
    ...common(),
    name: req(str()),
    description: str(),
    aliases: list(str()),
    first_seen: timestamp(),
    last_seen: timestamp(),
    objective: str(),
  },
  [createdModified, seen],
);

/** STIX 2.1 §4.3 Course of Action (`action` is reserved, see `RESERVED_PROPERTY_NAMES`). */
export const courseOfActionType = defineStixType(
  'course-of-action',
  'sdo',
  {
    ...common(),
    name: req(str()),
    description: str(),
  },
  [createdModified],
);

/** STIX 2.1 §4.4 Grouping. */
export const groupingType = defineStixType(
  'grouping',
  'sdo',
  {
    ...common(),
    name: str(),
    description: str(),
    context: req(vocab('grouping-context-ov', V.GROUPING_CONTEXT_OV)),
    object_refs: req(refs()),
  },
  [createdModified],
);

/** STIX 2.1 §4.5 Identity. */
export const identityType = defineStixType(
  'identity',
  'sdo',
  {
    ...common(),
    name: req(str()),
    description: str(),
    roles: list(str()),
    identity_class: vocab('identity-class-ov', V.IDENTITY_CLASS_OV),
    sectors: list(vocab('industry-sector-ov', V.INDUSTRY_SECTOR_OV)),
    contact_information: str(),
  },
  [createdModified],
);

/** STIX 2.1 §4.6 Incident (a stub in 2.1, extended through extensions). */
export const incidentType = defineStixType(
  'incident',
  'sdo',
  {
    ...common(),
    name: req(str()),
    description: str(),
    kill_chain_phases: killChainPhases(),
  },
  [createdModified],
);

/** STIX 2.1 §4.7 Indicator. */
export const indicatorType = defineStixType(
  'indicator',
  'sdo',
  {
    ...common(),
    name: str(),
    description: str(),
    indicator_types: list(vocab('indicator-type-ov', V.INDICATOR_TYPE_OV)),
    pattern: req(str()),
    pattern_type: req(vocab('pattern-type-ov', V.PATTERN_TYPE_OV)),
    pattern_version: str(),
    valid_from: req(timestamp()),
    valid_until: timestamp(),
    kill_chain_phases: killChainPhases(),
  },
  [createdModified, timestampOrder('valid_from', 'valid_until', true)],
);

/** STIX 2.1 §4.8 Infrastructure. */
export const infrastructureType = defineStixType(
  'infrastructure',
  'sdo',
  {
    ...common(),
    name: req(str()),
    description: str(),
    infrastructure_types: list(vocab('infrastructure-type-ov', V.INFRASTRUCTURE_TYPE_OV)),
    aliases: list(str()),
    kill_chain_phases: killChainPhases(),
    first_seen: timestamp(),
    last_seen: timestamp(),
  },
  [createdModified, seen],
);

/** STIX 2.1 §4.9 Intrusion Set. */
export const intrusionSetType = defineStixType(
  'intrusion-set',
  'sdo',
  {
    ...common(),
    name: req(str()),
    description: str(),
    aliases: list(str()),
    first_seen: timestamp(),
    last_seen: timestamp(),
    goals: list(str()),
    resource_level: vocab('attack-resource-level-ov', V.ATTACK_RESOURCE_LEVEL_OV),
    primary_motivation: vocab('attack-motivation-ov', V.ATTACK_MOTIVATION_OV),
    secondary_motivations: list(vocab('attack-motivation-ov', V.ATTACK_MOTIVATION_OV)),
  },
  [createdModified, seen],
);

/** STIX 2.1 §4.10 Location. */
export const locationType = defineStixType(
  'location',
  'sdo',
  {
    ...common(),
    name: str(),
    description: str(),
    latitude: num(-90, 90),
    longitude: num(-180, 180),
    precision: num(0),
    region: vocab('region-ov', V.REGION_OV),
    country: countryCode(),
    administrative_area: str(),
    city: str(),
    street_address: str(),
    postal_code: str(),
  },
  [
    createdModified,
    // STIX 2.1 §4.10: one of region, country, or latitude+longitude; lat/long come in pairs.
    (o, ctx, path) => {
      if (
        o.region === undefined &&
        o.country === undefined &&
        (o.latitude === undefined || o.longitude === undefined)
      )
        ctx.fail(
          'AT_LEAST_ONE',
          path,
          null,
          'A location needs `region`, `country`, or `latitude` with `longitude`.',
        );
    },
    dependsOn('latitude', 'longitude'),
    dependsOn('longitude', 'latitude'),
    dependsOn('precision', 'latitude'),
  ],
);

/** STIX 2.1 §4.11 Malware. */
export const malwareType = defineStixType(
  'malware',
  'sdo',
  {
    ...common(),
    name: str(),
    description: str(),
    malware_types: list(vocab('malware-type-ov', V.MALWARE_TYPE_OV)),
    is_family: req(bool()),
    aliases: list(str()),
    kill_chain_phases: killChainPhases(),
    first_seen: timestamp(),
    last_seen: timestamp(),
    operating_system_refs: refs(['software']),
    architecture_execution_envs: list(
      vocab('processor-architecture-ov', V.PROCESSOR_ARCHITECTURE_OV),
    ),
    implementation_languages: list(
      vocab('implementation-language-ov', V.IMPLEMENTATION_LANGUAGE_OV),
    ),
    capabilities: list(vocab('malware-capabilities-ov', V.MALWARE_CAPABILITIES_OV)),
    sample_refs: refs(['file', 'artifact']),
  },
  [
    createdModified,
    seen,
    // STIX 2.1 §4.11: `name` is required when `is_family` is true.
    (o, ctx, path) => {
      if (o.is_family === true && o.name === undefined)
        ctx.fail('MISSING_PROPERTY', path, 'name', 'A malware family must have a `name`.');
    },
  ],
);

/** STIX 2.1 §4.12 Malware Analysis. */
export const malwareAnalysisType = defineStixType(
  'malware-analysis',
  'sdo',
  {
    ...common(),
    product: req(str()),
    version: str(),
    host_vm_ref: ref(['software']),
    operating_system_ref: ref(['software']),
    installed_software_refs: refs(['software']),
    configuration_version: str(),
    modules: list(str()),
    analysis_engine_version: str(),
    analysis_definition_version: str(),
    submitted: timestamp(),
    analysis_started: timestamp(),
    analysis_ended: timestamp(),
    result_name: str(),
    result: vocab('malware-result-ov', V.MALWARE_RESULT_OV),
    analysis_sco_refs: refs(),
    sample_ref: ref(['file', 'network-traffic', 'artifact']),
  },
  [
    createdModified,
    atLeastOne(['result', 'analysis_sco_refs']),
    timestampOrder('analysis_started', 'analysis_ended', false),
  ],
);

/** STIX 2.1 §4.13 Note. */
export const noteType = defineStixType(
  'note',
  'sdo',
  {
    ...common(),
    abstract: str(),
    content: req(str()),
    authors: list(str()),
    object_refs: req(refs()),
  },
  [createdModified],
);

/** STIX 2.1 §4.14 Observed Data. */
export const observedDataType = defineStixType(
  'observed-data',
  'sdo',
  {
    ...common(),
    first_observed: req(timestamp()),
    last_observed: req(timestamp()),
    number_observed: req(int(1, 999_999_999)),
    objects: dict(),
    object_refs: refs(),
  },
  [
    createdModified,
    timestampOrder('first_observed', 'last_observed', false),
    // STIX 2.1 §4.14: exactly one of `objects` (deprecated) and `object_refs`.
    mutuallyExclusive(['objects', 'object_refs']),
    atLeastOne(['objects', 'object_refs']),
  ],
);

/** STIX 2.1 §4.15 Opinion. */
export const opinionType = defineStixType(
  'opinion',
  'sdo',
  {
    ...common(),
    explanation: str(),
    authors: list(str()),
    opinion: req(enumOf(V.OPINION_ENUM)),
    object_refs: req(refs()),
  },
  [createdModified],
);

/** STIX 2.1 §4.16 Report. */
export const reportType = defineStixType(
  'report',
  'sdo',
  {
    ...common(),
    name: req(str()),
    description: str(),
    report_types: list(vocab('report-type-ov', V.REPORT_TYPE_OV)),
    published: req(timestamp()),
    object_refs: req(refs()),
  },
  [createdModified],
);

/** STIX 2.1 §4.17 Threat Actor. */
export const threatActorType = defineStixType(
  'threat-actor',
  'sdo',
  {
    ...common(),
    name: req(str()),
    description: str(),
    threat_actor_types: list(vocab('threat-actor-type-ov', V.THREAT_ACTOR_TYPE_OV)),
    aliases: list(str()),
    first_seen: timestamp(),
    last_seen: timestamp(),
    roles: list(vocab('threat-actor-role-ov', V.THREAT_ACTOR_ROLE_OV)),
    goals: list(str()),
    sophistication: vocab('threat-actor-sophistication-ov', V.THREAT_ACTOR_SOPHISTICATION_OV),
    resource_level: vocab('attack-resource-level-ov', V.ATTACK_RESOURCE_LEVEL_OV),
    primary_motivation: vocab('attack-motivation-ov', V.ATTACK_MOTIVATION_OV),
    secondary_motivations: list(vocab('attack-motivation-ov', V.ATTACK_MOTIVATION_OV)),
    personal_motivations: list(vocab('attack-motivation-ov', V.ATTACK_MOTIVATION_OV)),
  },
  [createdModified, seen],
);

/** STIX 2.1 §4.18 Tool. */
export const toolType = defineStixType(
  'tool',
  'sdo',
  {
    ...common(),
    name: req(str()),
    description: str(),
    tool_types: list(vocab('tool-type-ov', V.TOOL_TYPE_OV)),
    aliases: list(str()),
    kill_chain_phases: killChainPhases(),
    tool_version: str(),
  },
  [createdModified],
);

/** STIX 2.1 §4.19 Vulnerability. */
export const vulnerabilityType = defineStixType(
  'vulnerability',
  'sdo',
  {
    ...common(),
    name: req(str()),
    description: str(),
  },
  [createdModified],
);

/** Properties the spec reserves on a type: present means a spec violation. */
export function reserved(names: readonly string[]): Rule {
  return (o, ctx, path) => {
    for (const name of names)
      if (o[name] !== undefined)
        ctx.fail(
          'RESERVED_PROPERTY',
          path,
          name,
          `\`${name}\` is reserved by STIX 2.1 and must not be used.`,
        );
  };
}

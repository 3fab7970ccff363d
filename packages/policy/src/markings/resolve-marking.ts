import { IEP2_EXTENSION_ID, type IepPolicy, iepPolicySchema } from './iep';
import { officialMarking, type StixLikeObject } from './official-markings';
import { PAP_EXTENSION_ID, type PapLevel } from './pap';
import { TLP1_TO_TLP2, TLP2_EXTENSION_ID, type TlpLevel } from './tlp';

/**
 * What a marking reference means once resolved. `unknown` covers every reference that
 * could not be understood (missing definition, unknown extension, malformed object,
 * look-alike of an official id): policy code treats it as more restrictive than anything.
 */
export type ResolvedMarking =
  | { kind: 'tlp'; id: string; name: string; level: TlpLevel; version: 1 | 2 }
  | { kind: 'pap'; id: string; name: string; level: PapLevel }
  | { kind: 'iep'; id: string; name: string; level: TlpLevel; policy: IepPolicy }
  | { kind: 'statement'; id: string; name: string; statement: string }
  | { kind: 'custom'; id: string; name: string; treatAs: TlpLevel | 'statement' }
  | { kind: 'unknown'; id: string; name: string; why: string };

/** How the agreement says to read a custom marking definition. */
export interface CustomMarkingRule {
  treatAs: TlpLevel | 'statement';
  clause: string;
}

const MARKING_ID =
  /^marking-definition--[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/**
 * Resolves a marking-definition reference against the official ids, the definitions
 * available (bundle + registry) and the agreement's custom-marking rules.
 */
export function resolveMarking(
  id: unknown,
  definitions: ReadonlyMap<string, StixLikeObject>,
  custom: ReadonlyMap<string, CustomMarkingRule>,
): ResolvedMarking {
  if (typeof id !== 'string' || !MARKING_ID.test(id)) {
    const shown = typeof id === 'string' ? id.slice(0, 80) : typeof id;
    return {
      kind: 'unknown',
      id: String(shown),
      name: String(shown),
      why: 'is not a marking-definition id',
    };
  }
  const official = officialMarking(id);
  const definition = definitions.get(id);
  if (official) {
    // A bundle may carry the official object; if its content disagrees with the official
    // meaning we cannot know which is meant, so neither is trusted.
    if (definition && !agreesWithOfficial(definition, official.kind, official.level)) {
      return {
        kind: 'unknown',
        id,
        name: official.name,
        why: `contradicts the official ${official.name} definition`,
      };
    }
    return official.kind === 'tlp'
      ? { kind: 'tlp', id, name: official.name, level: official.level, version: official.version }
      : { kind: 'pap', id, name: official.name, level: official.level };
  }
  if (!definition) {
    const rule = custom.get(id);
    return {
      kind: 'unknown',
      id,
      name: id,
      why: rule
        ? 'is named by the agreement but its definition is neither in the bundle nor in the registry'
        : 'is not defined in the bundle, the registry or the agreement',
    };
  }
  return interpretDefinition(id, definition, custom);
}

function interpretDefinition(
  id: string,
  definition: StixLikeObject,
  custom: ReadonlyMap<string, CustomMarkingRule>,
): ResolvedMarking {
  const name = typeof definition.name === 'string' ? definition.name : id;
  if (definition.type !== 'marking-definition') {
    return {
      kind: 'unknown',
      id,
      name,
      why: `resolves to a ${String(definition.type)}, not a marking-definition`,
    };
  }
  const extensions = isRecord(definition.extensions) ? definition.extensions : undefined;
  // STIX 2.1 §7.2.1.4: TLP markings MUST use the fixed ids; the TLP 2.0 and PAP
  // extensions say the same. A TLP/PAP definition under another id is a look-alike.
  if (
    definition.definition_type === 'tlp' ||
    (extensions && (TLP2_EXTENSION_ID in extensions || PAP_EXTENSION_ID in extensions))
  ) {
    return {
      kind: 'unknown',
      id,
      name,
      why: 'claims to be TLP or PAP but is not one of the official ids',
    };
  }
  if (extensions && IEP2_EXTENSION_ID in extensions) {
    const parsed = iepPolicySchema.safeParse(extensions[IEP2_EXTENSION_ID]);
    if (!parsed.success) {
      return { kind: 'unknown', id, name, why: 'carries an IEP 2.0 policy that does not validate' };
    }
    const policy = parsed.data;
    let level: TlpLevel | undefined;
    if (policy.tlp)
      level =
        policy.tlp === 'white'
          ? 'clear'
          : policy.tlp === 'clear'
            ? 'clear'
            : TLP1_TO_TLP2[policy.tlp];
    else if (policy.tlp_ref) {
      const ref = officialMarking(policy.tlp_ref);
      if (ref?.kind === 'tlp') level = ref.level;
    }
    if (!level)
      return { kind: 'unknown', id, name, why: 'carries an IEP 2.0 policy without a readable TLP' };
    return { kind: 'iep', id, name, level, policy };
  }
  const rule = custom.get(id);
  if (rule) return { kind: 'custom', id, name, treatAs: rule.treatAs };
  if (
    definition.definition_type === 'statement' &&
    isRecord(definition.definition) &&
    typeof definition.definition.statement === 'string' &&
    extensions === undefined
  ) {
    return { kind: 'statement', id, name, statement: definition.definition.statement };
  }
  return { kind: 'unknown', id, name, why: 'uses a marking type the agreement does not name' };
}

function agreesWithOfficial(
  definition: StixLikeObject,
  kind: 'tlp' | 'pap',
  level: string,
): boolean {
  if (definition.type !== 'marking-definition') return false;
  const extensions = isRecord(definition.extensions) ? definition.extensions : undefined;
  if (kind === 'pap') {
    const ext = extensions?.[PAP_EXTENSION_ID];
    if (!isRecord(ext)) return false;
    const pap = ext.pap === 'white' ? 'clear' : ext.pap;
    return pap === level;
  }
  const ext = extensions?.[TLP2_EXTENSION_ID];
  if (isRecord(ext)) return ext.tlp_2_0 === level;
  if (definition.definition_type === 'tlp' && isRecord(definition.definition)) {
    const colour = definition.definition.tlp;
    return (colour === 'white' ? 'clear' : colour) === level;
  }
  return false;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

import { z } from 'zod';
import type { ValidationContext } from '../validate/context';
import { describeHashForm, hasHashForm, hashAlgorithmName } from './hash-algorithms';
import { joinPath } from './issue';
import {
  bool,
  checkReservedNames,
  enumOf,
  FORBIDDEN_KEYS,
  forbidKey,
  int,
  isPlainObject,
  list,
  literal,
  type NestedObject,
  nested,
  type Prop,
  type PropMap,
  type Rule,
  ref,
  refs,
  req,
  str,
  TIMESTAMP_RE,
  timestamp,
  truncate,
  UUID_RE,
  walkJson,
} from './props';
import { compareTimestamps } from './timestamp';
import { languageTag, lowercaseHyphenated } from './value-props';
import { EXTENSION_TYPE_ENUM } from './vocabularies';

/** STIX 2.1 §2.5: `external-reference`. */
export const externalReference = nested(
  {
    source_name: req(str()),
    description: str(),
    url: str(),
    hashes: hashesProp(),
    external_id: str(),
  },
  [
    // STIX 2.1 §2.5: at least one of description, url or external_id.
    atLeastOne(['description', 'url', 'external_id']),
    externalIdForm,
    // STIX 2.1 §2.5: `hashes` "SHOULD be provided when the url property is present".
    (o, ctx, path) => {
      if (o.url !== undefined && o.hashes === undefined)
        ctx.warn(
          'DEPENDENT_PROPERTY',
          path,
          'hashes',
          'An external reference with a `url` should carry `hashes` of its content (STIX 2.1 §2.5).',
        );
    },
  ],
);

// The forms of the OASIS `common/external-reference.json` schema: four-digit years, and a
// sequence number of four digits or more without a leading zero beyond four digits.
const CVE_ID = /^CVE-\d{4}-(?:0\d{3}|[1-9]\d{3,})$/;
const CAPEC_ID = /^CAPEC-\d+$/;

/**
 * STIX 2.1 §2.5, §4.1, §4.20: a reference whose `source_name` is `cve` MUST give the CVE
 * id (`CVE-YYYY-NNNN...`) as `external_id`, and one whose `source_name` is `capec` the
 * CAPEC id (`CAPEC-N`).
 */
function externalIdForm(o: Record<string, unknown>, ctx: ValidationContext, path: string): void {
  const source = o.source_name;
  if (source !== 'cve' && source !== 'capec') return;
  const id = o.external_id;
  const form = source === 'cve' ? CVE_ID : CAPEC_ID;
  if (id === undefined) {
    ctx.fail(
      'MISSING_PROPERTY',
      path,
      'external_id',
      `A \`${source}\` reference needs its identifier in \`external_id\` (STIX 2.1 §2.5).`,
    );
  } else if (typeof id === 'string' && (id.length > 64 || !form.test(id))) {
    ctx.fail(
      'INVALID_EXTERNAL_ID',
      path,
      'external_id',
      `\`${truncate(id)}\` is not a ${source === 'cve' ? '`CVE-YYYY-NNNN`' : '`CAPEC-N`'} identifier (STIX 2.1 §2.5).`,
    );
  }
}

/** STIX 2.1 §2.8: `kill-chain-phase`. */
export const killChainPhase = nested({
  kill_chain_name: req(lowercaseHyphenated()),
  phase_name: req(lowercaseHyphenated()),
});

/** STIX 2.1 §7.2.3: a granular marking applies a marking (or a language) to selected properties. */
export const granularMarking = nested(
  {
    lang: languageTag(),
    marking_ref: ref(['marking-definition']),
    selectors: req(list(str())),
  },
  [
    // STIX 2.1 §7.2.3: exactly one of `lang` and `marking_ref`.
    (o, ctx, path) => {
      const count = (o.lang === undefined ? 0 : 1) + (o.marking_ref === undefined ? 0 : 1);
      if (count !== 1)
        ctx.fail(
          'MUTUALLY_EXCLUSIVE',
          path,
          null,
          'A granular marking needs exactly one of `lang` and `marking_ref`.',
        );
    },
  ],
);

/** STIX 2.1 §2.7 `hashes`: algorithm → digest, keys from `hash-algorithm-ov`. */
export function hashesProp(): Prop<z.ZodRecord<z.ZodString, z.ZodString>, false> {
  return {
    zod: z.record(z.string(), z.string()),
    required: false,
    check(v, ctx, p, k) {
      if (!isPlainObject(v)) {
        ctx.fail('INVALID_TYPE', p, k, 'Expected a hashes dictionary.');
        return;
      }
      const path = joinPath(p, k);
      const keys = Object.keys(v);
      if (keys.length === 0) ctx.fail('EMPTY_LIST', p, k, 'A hashes dictionary must not be empty.');
      for (const name of keys) {
        if (FORBIDDEN_KEYS.has(name)) {
          forbidKey(v, name, ctx, path);
          continue;
        }
        const value = v[name];
        if (typeof value !== 'string') {
          ctx.fail('INVALID_TYPE', path, name, 'A hash value must be a string.');
          continue;
        }
        const algorithm = hashAlgorithmName(name);
        if (algorithm === undefined) {
          // STIX 2.1 §2.7: custom hash names should follow the vocabulary; names up to 250 chars.
          if (name.length > 250)
            ctx.fail('INVALID_PROPERTY_NAME', path, name, 'Hash names are at most 250 characters.');
          else
            ctx.warn(
              'UNKNOWN_HASH',
              path,
              name,
              `\`${name}\` is not in the \`hash-algorithm-ov\` vocabulary.`,
            );
        } else if (hasHashForm(algorithm, value) === false) {
          ctx.fail(
            'INVALID_VALUE',
            path,
            name,
            `Not a valid ${algorithm} digest: expected ${describeHashForm(algorithm)}.`,
          );
        }
      }
    },
  };
}

const EXTENSION_DEFINITION_KEY = /^extension-definition--/;
const EXTENSION_TYPES = new Set<string>(EXTENSION_TYPE_ENUM);

/**
 * STIX 2.1 §7.3 `extensions`: predefined SCO extensions by name, extension-definition
 * based extensions (`extension-definition--UUID`), or (deprecated) custom ones.
 */
export function extensionsProp<E extends Record<string, NestedObject<PropMap>>>(
  predefined: E = {} as E,
): Prop<z.ZodObject<{ [K in keyof E]: z.ZodOptional<E[K]['zod']> }, z.core.$loose>, false> {
  const shape: Record<string, z.ZodType> = {};
  for (const [name, def] of Object.entries(predefined)) shape[name] = def.zod.optional();
  const table: Record<string, NestedObject<PropMap>> = Object.assign(
    Object.create(null),
    predefined,
  );
  return {
    zod: z.looseObject(shape) as unknown as z.ZodObject<
      { [K in keyof E]: z.ZodOptional<E[K]['zod']> },
      z.core.$loose
    >,
    required: false,
    check(v, ctx, p, k) {
      if (!isPlainObject(v)) {
        ctx.fail('INVALID_TYPE', p, k, 'Expected an extensions dictionary.');
        return;
      }
      const path = joinPath(p, k);
      const keys = Object.keys(v);
      if (keys.length === 0)
        ctx.fail('EMPTY_LIST', p, k, 'An extensions dictionary must not be empty.');
      for (const name of keys) {
        if (FORBIDDEN_KEYS.has(name)) {
          forbidKey(v, name, ctx, path);
          continue;
        }
        const def = table[name];
        if (def) {
          def.check(v[name], ctx, path, name);
          continue;
        }
        const value = v[name];
        if (EXTENSION_DEFINITION_KEY.test(name)) {
          if (!UUID_RE.test(name.slice(22))) {
            ctx.fail(
              'INVALID_EXTENSION',
              path,
              name,
              'Extension keys must be `extension-definition--UUID`.',
            );
          }
          if (!isPlainObject(value)) {
            ctx.fail('INVALID_TYPE', path, name, 'An extension must be an object.');
            continue;
          }
          checkExtensionEntry(value, ctx, joinPath(path, name));
          walkJson(value, ctx, path, name, 1);
          continue;
        }
        // STIX 2.1 §7.3: extensions not based on an extension-definition are custom (deprecated).
        if (!ctx.allowCustom) {
          ctx.fail(
            'CUSTOM_EXTENSION',
            path,
            name,
            `Unknown extension \`${name}\`; pass \`allowCustom: true\` to accept custom extensions.`,
          );
        }
        if (isPlainObject(value)) checkReservedNames(value, ctx, joinPath(path, name));
        walkJson(value, ctx, path, name, 1);
      }
    },
  };
}

/**
 * STIX 2.1 §7.3 rules for one `extension-definition--UUID` entry of `extensions`:
 * - it MUST carry `extension_type` (§7.3: "the extensions property MUST include the
 *   extension definition's UUID ... and the extension_type property"; the OASIS
 *   `common/extension.json` schema requires it on every such entry), from
 *   `extension-type-enum` (§10.5);
 * - a `toplevel-property-extension` or `new-sdo`/`new-sco`/`new-sro` entry only marks the
 *   object: its properties live at the object's top level (§7.3), so properties nested in
 *   the entry are misplaced (a warning: such content is unusual but not forbidden by a MUST);
 * - the payload's property names follow §3.8 (reserved names).
 */
function checkExtensionEntry(
  value: Record<string, unknown>,
  ctx: ValidationContext,
  path: string,
): void {
  const type = value.extension_type;
  if (type === undefined) {
    ctx.fail(
      'MISSING_PROPERTY',
      path,
      'extension_type',
      'An extension-definition based extension needs `extension_type` (STIX 2.1 §7.3).',
    );
  } else if (typeof type !== 'string' || !EXTENSION_TYPES.has(type)) {
    ctx.fail(
      'ENUM_VALUE',
      path,
      'extension_type',
      `\`extension_type\` must be one of ${EXTENSION_TYPE_ENUM.join(', ')}.`,
    );
  } else if (type !== 'property-extension') {
    for (const key of Object.keys(value)) {
      if (key === 'extension_type' || FORBIDDEN_KEYS.has(key)) continue;
      ctx.warn(
        'INVALID_EXTENSION',
        path,
        key,
        `A \`${type}\` extension adds properties at the object's top level, not inside \`extensions\` (STIX 2.1 §7.3).`,
      );
    }
  }
  checkReservedNames(value, ctx, path);
}

/** Tells what a top-level object's extensions declare (STIX 2.1 §7.3.2). */
export function declaredExtensionTypes(extensions: unknown): Set<string> | undefined {
  if (!isPlainObject(extensions)) return undefined;
  let types: Set<string> | undefined;
  for (const name of Object.keys(extensions)) {
    if (!EXTENSION_DEFINITION_KEY.test(name)) continue;
    const value = extensions[name];
    if (isPlainObject(value) && typeof value.extension_type === 'string') {
      types ??= new Set();
      types.add(value.extension_type);
    }
  }
  return types;
}

// ---------------------------------------------------------------------------------------
// Common properties

/** STIX 2.1 §3.2: common properties of SDOs and SROs (and language-content). */
export function sdoCommon() {
  return {
    spec_version: req(specVersion()),
    id: req(str()),
    created_by_ref: ref(['identity']),
    created: req(timestamp()),
    modified: req(timestamp()),
    revoked: bool(),
    labels: list(str()),
    confidence: int(0, 100),
    lang: languageTag(),
    external_references: list(objectProp(externalReference)),
    object_marking_refs: refs(['marking-definition']),
    granular_markings: list(objectProp(granularMarking)),
  };
}

/** STIX 2.1 §3.2: common properties of SCOs (spec_version optional, no created/modified). */
export function scoCommon() {
  return {
    spec_version: specVersion(),
    id: req(str()),
    object_marking_refs: refs(['marking-definition']),
    granular_markings: list(objectProp(granularMarking)),
    defanged: bool(),
  };
}

/** `spec_version` of STIX 2.1 content. */
export function specVersion(): Prop<z.ZodLiteral<'2.1'>, false> {
  const base = literal('2.1');
  return {
    ...base,
    check(v, ctx, p, k) {
      if (v !== '2.1')
        ctx.fail(
          'INVALID_SPEC_VERSION',
          p,
          k,
          `\`spec_version\` must be \`2.1\`, got ${JSON.stringify(v)?.slice(0, 40)}.`,
        );
    },
  };
}

function objectProp<P extends PropMap>(def: NestedObject<P>): Prop<NestedObject<P>['zod'], false> {
  return { zod: def.zod, check: def.check, required: false };
}

export { objectProp };

// ---------------------------------------------------------------------------------------
// Common rules

/** `later` must not be before `earlier` (`orEqual`) or must be strictly after it. */
export function timestampOrder(earlier: string, later: string, strict: boolean): Rule {
  return (o, ctx, path) => {
    const a = o[earlier];
    const b = o[later];
    if (
      typeof a !== 'string' ||
      typeof b !== 'string' ||
      !TIMESTAMP_RE.test(a) ||
      !TIMESTAMP_RE.test(b)
    )
      return;
    const cmp = compareTimestamps(b, a);
    if (strict ? cmp <= 0 : cmp < 0) {
      ctx.fail(
        'TIMESTAMP_ORDER',
        path,
        later,
        `\`${later}\` must be ${strict ? 'later than' : 'the same as or later than'} \`${earlier}\`.`,
      );
    }
  };
}

/** At least one of `names` must be present. */
export function atLeastOne(names: readonly string[]): Rule {
  return (o, ctx, path) => {
    for (const name of names) if (o[name] !== undefined) return;
    ctx.fail(
      'AT_LEAST_ONE',
      path,
      null,
      `At least one of ${names.map((n) => `\`${n}\``).join(', ')} is required.`,
    );
  };
}

/** `name` may only be present when `dependsOn` has the value `expected` (or is present). */
export function dependsOn(name: string, dependsOnName: string, expected?: unknown): Rule {
  return (o, ctx, path) => {
    if (o[name] === undefined) return;
    const value = o[dependsOnName];
    if (expected === undefined ? value === undefined : value !== expected) {
      ctx.fail(
        'DEPENDENT_PROPERTY',
        path,
        name,
        `\`${name}\` requires \`${dependsOnName}\`${expected === undefined ? '' : ` to be ${JSON.stringify(expected)}`}.`,
      );
    }
  };
}

/** At most one of `names` may be present. */
export function mutuallyExclusive(names: readonly string[]): Rule {
  return (o, ctx, path) => {
    const present = names.filter((name) => o[name] !== undefined);
    if (present.length > 1)
      ctx.fail(
        'MUTUALLY_EXCLUSIVE',
        path,
        present[1]!,
        `${present.map((n) => `\`${n}\``).join(' and ')} must not both be present.`,
      );
  };
}

export { enumOf };

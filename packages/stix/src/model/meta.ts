import { z } from 'zod';
import type { ValidationContext } from '../validate/context';
import {
  extensionsProp,
  externalReference,
  granularMarking,
  objectProp,
  sdoCommon,
  specVersion,
  timestampOrder,
} from './common';
import { defineStixType } from './define-type';
import { isLanguageTag } from './formats/language-tag';
import { joinPath } from './issue';
import {
  checkPropertyNameForm,
  dict,
  dictOf,
  enumOf,
  FORBIDDEN_KEYS,
  isPlainObject,
  list,
  type Prop,
  ref,
  refs,
  req,
  str,
  TIMESTAMP_RE,
  timestamp,
  truncate,
} from './props';
import { compareTimestamps } from './timestamp';
import { EXTENSION_TYPE_ENUM } from './vocabularies';

// STIX 2.1 §7: STIX Meta Objects.

/**
 * STIX 2.1 §7.2.1.4: the fixed ids of the four TLP 1.0 marking definitions.
 *
 * @example
 * ```ts
 * import { TLP1_MARKING_IDS } from '@intelshare/stix';
 *
 * TLP1_MARKING_IDS.green; // 'marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41da'
 * ```
 * @see /stix/validation/
 */
export const TLP1_MARKING_IDS = {
  white: 'marking-definition--613f2e26-407d-48c7-9eca-b8e91df99dc9',
  green: 'marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41da',
  amber: 'marking-definition--f88d31f6-486f-44da-b317-01333bde0b82',
  red: 'marking-definition--5e57c739-391a-4eb3-b6be-7d15ca92d5ed',
} as const;

/** STIX 2.1 §7.2.1 Marking Definition (TLP 1.0, statement, or extension-based such as TLP 2.0). */
export const markingDefinitionType = defineStixType(
  'marking-definition',
  'meta',
  {
    spec_version: req(specVersion()),
    id: req(str()),
    created_by_ref: ref(['identity']),
    created: req(timestamp()),
    external_references: list(objectProp(externalReference)),
    object_marking_refs: refs(['marking-definition']),
    granular_markings: list(objectProp(granularMarking)),
    extensions: extensionsProp(),
    // Not part of 2.1 marking definitions (they are never versioned), but OASIS's own
    // statement markings carry it; accepted with a warning instead of rejecting them.
    modified: timestamp(),
    name: str(),
    definition_type: str(),
    definition: {
      zod: z.union([
        z.looseObject({ tlp: z.enum(['white', 'green', 'amber', 'red']) }),
        z.looseObject({ statement: z.string() }),
        z.record(z.string(), z.unknown()),
      ]),
      check: dict().check,
      required: false,
    },
  },
  [
    (o, ctx, path) => {
      if (o.modified !== undefined)
        ctx.warn(
          'CUSTOM_PROPERTY',
          path,
          'modified',
          'Marking definitions are not versioned (STIX 2.1 §7.2.1); `modified` is ignored.',
        );
      // STIX 2.1 §7.2.1: either definition_type + definition, or an extension (e.g. TLP 2.0).
      if (o.definition_type === undefined && o.extensions === undefined) {
        ctx.fail(
          'AT_LEAST_ONE',
          path,
          null,
          'A marking definition needs `definition_type` and `definition`, or `extensions`.',
        );
        return;
      }
      if (o.definition_type !== undefined && o.definition === undefined) {
        ctx.fail(
          'MISSING_PROPERTY',
          path,
          'definition',
          '`definition` is required with `definition_type`.',
        );
        return;
      }
      checkOfficialTlp(o, ctx, path);
      if (typeof o.definition_type === 'string' && !DEFINITION_TYPES.has(o.definition_type))
        ctx.warn(
          'OPEN_VOCAB',
          path,
          'definition_type',
          `\`${truncate(o.definition_type)}\` is not a definition type of STIX 2.1 (\`statement\` or \`tlp\`, §7.2.1); new marking types should use an extension.`,
        );
      const def = o.definition;
      if (!isPlainObject(def)) return;
      if (o.definition_type === 'tlp') {
        const level = def.tlp;
        const expected =
          typeof level === 'string'
            ? TLP1_MARKING_IDS[level as keyof typeof TLP1_MARKING_IDS]
            : undefined;
        if (expected === undefined)
          ctx.fail(
            'INVALID_TLP',
            `${path}.definition`,
            'tlp',
            '`tlp` must be white, green, amber or red.',
          );
        else if (o.id !== expected)
          ctx.fail(
            'INVALID_TLP',
            path,
            'id',
            `TLP ${level} must use the fixed id \`${expected}\` (STIX 2.1 §7.2.1.4).`,
          );
      } else if (o.definition_type === 'statement') {
        if (typeof def.statement !== 'string')
          ctx.fail(
            'MISSING_PROPERTY',
            `${path}.definition`,
            'statement',
            'A statement marking needs a `statement` string.',
          );
      }
    },
  ],
);

/** STIX 2.1 §7.2.1.3: the definition types of the specification (others SHOULD NOT be used). */
const DEFINITION_TYPES: ReadonlySet<string> = new Set(['statement', 'tlp']);

/** The one creation time of the four official TLP 1.0 marking definitions (STIX 2.1 §7.2.1.4). */
const TLP1_CREATED = '2017-01-20T00:00:00.000Z';

const TLP1_LEVEL_BY_ID: ReadonlyMap<string, string> = new Map(
  Object.entries(TLP1_MARKING_IDS).map(([level, id]) => [id, level]),
);

/**
 * STIX 2.1 §7.2.1.4: the four TLP marking definitions are fixed objects — "the following
 * standard marking definitions MUST be used to reference or represent TLP" — so an object
 * that uses one of their ids MUST carry exactly that content (type, spec_version, id,
 * created, definition_type, name and definition), and nothing else: anything different
 * would silently redefine TLP for whoever trusts the id.
 */
function checkOfficialTlp(o: Record<string, unknown>, ctx: ValidationContext, path: string): void {
  const level = typeof o.id === 'string' ? TLP1_LEVEL_BY_ID.get(o.id) : undefined;
  if (level === undefined) return;
  const expected: Record<string, unknown> = {
    type: 'marking-definition',
    spec_version: '2.1',
    id: o.id,
    created: TLP1_CREATED,
    definition_type: 'tlp',
    name: `TLP:${level.toUpperCase()}`,
    definition: { tlp: level },
  };
  const wrong: string[] = [];
  for (const key of Object.keys(o)) if (!Object.hasOwn(expected, key)) wrong.push(key);
  for (const [key, value] of Object.entries(expected)) {
    const actual = o[key];
    const same =
      key === 'definition'
        ? isPlainObject(actual) &&
          Object.keys(actual).length === 1 &&
          actual.tlp === (value as { tlp: string }).tlp
        : key === 'created'
          ? typeof actual === 'string' &&
            TIMESTAMP_RE.test(actual) &&
            compareTimestamps(actual, TLP1_CREATED) === 0
          : actual === value;
    if (!same) wrong.push(key);
  }
  if (wrong.length > 0)
    ctx.fail(
      'INVALID_TLP',
      path,
      null,
      `\`${o.id}\` is the official TLP:${level.toUpperCase()} marking definition and must carry exactly its official content; ${wrong.map((k) => `\`${k}\``).join(', ')} differ (STIX 2.1 §7.2.1.4).`,
    );
}

/**
 * STIX 2.1 §7.1: the keys of `contents` are RFC 5646 language tags, and each value maps the
 * names of the translated object's properties (which follow the property-name rules of
 * §3.1) to their translation.
 */
function contentsProp(): Prop<
  z.ZodRecord<z.ZodString, z.ZodRecord<z.ZodString, z.ZodUnknown>>,
  false
> {
  const base = dictOf(dict());
  return {
    ...base,
    check(v, ctx, p, k) {
      base.check(v, ctx, p, k);
      if (!isPlainObject(v)) return;
      const path = joinPath(p, k);
      for (const tag of Object.keys(v)) {
        if (FORBIDDEN_KEYS.has(tag)) continue;
        if (!isLanguageTag(tag))
          ctx.fail(
            'INVALID_LANGUAGE_TAG',
            path,
            tag,
            `\`${truncate(tag)}\` is not an RFC 5646 language tag (STIX 2.1 §7.1).`,
          );
        const translations = v[tag];
        if (!isPlainObject(translations)) continue;
        for (const name of Object.keys(translations))
          if (!FORBIDDEN_KEYS.has(name)) checkPropertyNameForm(name, ctx, joinPath(path, tag));
      }
    },
  };
}

const { lang: _lang, ...languageContentCommon } = sdoCommon();

/** STIX 2.1 §7.1 Language Content. */
export const languageContentType = defineStixType(
  'language-content',
  'meta',
  {
    ...languageContentCommon,
    extensions: extensionsProp(),
    object_ref: req(ref()),
    object_modified: timestamp(),
    contents: req(contentsProp()),
  },
  [timestampOrder('created', 'modified', false)],
);

const { lang: _l, confidence: _c, created_by_ref: _cb, ...extensionDefinitionCommon } = sdoCommon();

/**
 * STIX 2.1 §7.3.1: `extension_properties` MUST only be used when `extension_types` includes
 * `toplevel-property-extension`, and SHOULD be present (non-empty) when it does.
 */
function extensionPropertiesRule(
  o: Record<string, unknown>,
  ctx: ValidationContext,
  path: string,
): void {
  const types = o.extension_types;
  if (!Array.isArray(types)) return;
  const toplevel = types.includes('toplevel-property-extension');
  if (o.extension_properties !== undefined && !toplevel)
    ctx.fail(
      'DEPENDENT_PROPERTY',
      path,
      'extension_properties',
      '`extension_properties` is only allowed when `extension_types` includes `toplevel-property-extension` (STIX 2.1 §7.3.1).',
    );
  else if (toplevel && o.extension_properties === undefined)
    ctx.warn(
      'MISSING_PROPERTY',
      path,
      'extension_properties',
      'A `toplevel-property-extension` should list its property names in `extension_properties` (STIX 2.1 §7.3.1).',
    );
}

/** STIX 2.1 §7.3 Extension Definition. */
export const extensionDefinitionType = defineStixType(
  'extension-definition',
  'meta',
  {
    ...extensionDefinitionCommon,
    extensions: extensionsProp(),
    created_by_ref: req(ref(['identity'])),
    name: req(str()),
    description: str(),
    schema: req(str()),
    version: req(str()),
    extension_types: req(list(enumOf(EXTENSION_TYPE_ENUM))),
    extension_properties: list(str()),
  },
  [timestampOrder('created', 'modified', false), extensionPropertiesRule],
);

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
import { dict, dictOf, enumOf, isPlainObject, list, ref, refs, req, str, timestamp } from './props';
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
    contents: req(dictOf(dict())),
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

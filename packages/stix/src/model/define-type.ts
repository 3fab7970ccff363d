import type { z } from 'zod';
import { z as zod } from 'zod';
import {
  type Check,
  compileObjectCheck,
  knownTypes,
  literal,
  type PropMap,
  type Rule,
  type ShapeOf,
  shapeOf,
  UUID_RE,
  withRules,
} from './props';

/** The four families of STIX objects (STIX 2.1 §1.4). */
export type StixObjectKind = 'sdo' | 'sco' | 'sro' | 'meta';

/** A STIX object type: its zod schema and its compiled fast checker. */
export interface StixTypeDefinition<T extends string = string, P extends PropMap = PropMap> {
  readonly type: T;
  readonly kind: StixObjectKind;
  readonly props: P;
  readonly schema: z.ZodObject<{ type: z.ZodLiteral<T> } & ShapeOf<P>, z.core.$loose>;
  /** Validates a top-level object of this type (the engine checks `type` and `id` first). */
  readonly check: Check;
  /** STIX 2.1 §6.x "ID Contributing Properties" of SCOs, in spec order. */
  readonly idContributing: readonly string[] | undefined;
}

/** Declares one STIX object type. */
export function defineStixType<const T extends string, P extends PropMap>(
  type: T,
  kind: StixObjectKind,
  props: P,
  rules: readonly Rule[] = [],
  options: { idContributing?: readonly string[] } = {},
): StixTypeDefinition<T, P> {
  const all = { type: literal(type), ...props };
  // STIX 2.1 §2.9: the id is `<this type>--UUID`; the fast path checks this in the engine.
  const idZod = zod.string().regex(new RegExp(`^${type}--${UUID_RE.source.slice(1)}`));
  const shape = { ...shapeOf(all), id: idZod };
  const schema = withRules(zod.looseObject(shape), rules) as unknown as StixTypeDefinition<
    T,
    P
  >['schema'];
  knownTypes.add(type);
  return {
    type,
    kind,
    props,
    schema,
    check: compileObjectCheck(all, rules, true),
    idContributing: options.idContributing,
  };
}

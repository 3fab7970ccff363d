// An oracle written from the documented rules, independently of the engine (it uses none
// of the engine's helpers): which markers the recipient must never see, and the TLP level
// each marker came with. It is deliberately simple and only forbids what the rules
// clearly forbid, so the engine may withhold more but never less.
import { PAP_MARKING_IDS, TLP1_MARKING_IDS, TLP2_MARKING_IDS } from '../../src/index';
import { PAP_ORDER, PARTNER, TLP_ORDER, type World, type WorldSpec } from './world';

const TLP_OF = new Map<string, number>();
for (const [name, id] of Object.entries(TLP2_MARKING_IDS))
  TLP_OF.set(id, TLP_ORDER.indexOf(name.slice(4).toLowerCase() as never));
const TLP1: Record<string, string> = { white: 'clear', green: 'green', amber: 'amber', red: 'red' };
for (const [name, id] of Object.entries(TLP1_MARKING_IDS))
  TLP_OF.set(id, TLP_ORDER.indexOf(TLP1[name.slice(4).toLowerCase()] as never));
const PAP_OF = new Map<string, number>();
for (const [name, id] of Object.entries(PAP_MARKING_IDS)) {
  const level = name.slice(4).toLowerCase();
  PAP_OF.set(id, PAP_ORDER.indexOf((level === 'white' ? 'clear' : level) as never));
}

/** The markings on one field: TLP rank (or -1 for none), PAP ranks, and anything unreadable. */
interface FieldMarks {
  tlp: number;
  paps: number[];
  unreadable: boolean;
}

export interface OracleVerdict {
  /** Markers that must not appear anywhere in the serialized output. */
  forbidden: Set<string>;
  /** For each marker, the TLP rank it came with (object and field markings; -1 unmarked). */
  level: Map<string, number>;
}

/** Judges every marker of a world. */
export function judge(spec: WorldSpec, world: World): OracleVerdict {
  const objects = world.bundle.objects;
  const recipient = { identity: PARTNER, ...spec.recipient };
  const unmarked = TLP_ORDER.indexOf(spec.unmarkedTlp as never);

  // Which statement markings the recipient may not see (they are marked above clearance).
  const hiddenStatements = new Set<string>();
  const statements = new Set<string>();
  for (const object of objects) {
    if (object.type !== 'marking-definition') continue;
    statements.add(String(object.id));
    const marks = marksOf(object, undefined, statements, hiddenStatements);
    // An unmarked marking definition says what every object carrying it shows: not restricted.
    const unmarkedDefinition = marks.tlp < 0 && marks.paps.length === 0 && !marks.unreadable;
    if (!unmarkedDefinition && !allowed(marks)) hiddenStatements.add(String(object.id));
  }

  function allowed(marks: FieldMarks): boolean {
    if (marks.unreadable) return false;
    const level = marks.tlp < 0 ? unmarked : marks.tlp;
    const pap = Math.max(-1, ...marks.paps);
    // One clause must allow the level and every PAP at once.
    return spec.clauses.some((written) => {
      const clause = {
        ...written,
        maxTlp: written.match === 'anyone' ? 'clear' : written.maxTlp,
        named: written.maxTlp === 'red' && written.named.length === 0 ? ['alice'] : written.named,
      };
      const covers =
        clause.match === 'identity' ||
        clause.match === 'anyone' ||
        (clause.match === 'community' && recipient.communities.includes('c1'));
      if (!covers) return false;
      if (level > TLP_ORDER.indexOf(clause.maxTlp as never)) return false;
      if (clause.match === 'anyone' && level > 0) return false;
      if (
        level === 4 &&
        !(
          recipient.individuals.length > 0 &&
          recipient.individuals.every((p) => clause.named.includes(p))
        )
      )
        return false;
      return pap <= PAP_ORDER.indexOf(clause.maxPap as never);
    });
  }

  const forbidden = new Set<string>();
  const level = new Map<string, number>();
  const protect = spec.victims !== 'keep';
  const denied = (type: string, field: string) =>
    spec.deny.includes(field) ||
    spec.deny.includes(`${type}.${field}`) ||
    spec.freeText.includes(`${type}.${field}`) ||
    (field === 'x_custom' && spec.customProperties === 'remove');

  const fieldForbidden = (index: number, field: string): boolean => {
    const object = objects[index]!;
    const type = String(object.type);
    if (type === 'marking-definition') return hiddenStatements.has(String(object.id));
    if (!allowed(marksOf(object, field, statements, hiddenStatements))) return true;
    if (denied(type, field)) return true;
    // A protected victim: only its sectors may show (generalised to a class).
    if (protect && type === 'identity' && world.victimIds.has(String(object.id)))
      return field !== 'sectors';
    return false;
  };

  for (const [marker, source] of world.markers) {
    const object = objects[source.object]!;
    let bad = fieldForbidden(source.object, source.field);
    if (!bad && source.translates) {
      const target = objects[source.translates.object]!;
      bad =
        fieldForbidden(source.translates.object, source.translates.field) ||
        (protect && world.victimIds.has(String(target.id)));
    }
    if (bad) forbidden.add(marker);
    const marks = marksOf(object, source.field, statements, hiddenStatements);
    let rank = marks.tlp;
    if (source.translates) {
      // A translation restates its object's field: it came with that field's markings too.
      const target = objects[source.translates.object]!;
      const restated = marksOf(target, source.translates.field, statements, hiddenStatements);
      rank = Math.max(rank, restated.tlp);
    }
    level.set(marker, rank);
  }
  return { forbidden, level };
}

/** The markings that apply to one field (object markings plus granular ones on it). */
function marksOf(
  object: Record<string, unknown>,
  field: string | undefined,
  statements: ReadonlySet<string>,
  hidden: ReadonlySet<string>,
): FieldMarks {
  const out: FieldMarks = { tlp: -1, paps: [], unreadable: false };
  const read = (ref: unknown) => {
    if (typeof ref !== 'string') return;
    const t = TLP_OF.get(ref);
    if (t !== undefined) out.tlp = Math.max(out.tlp, t);
    else if (PAP_OF.has(ref)) out.paps.push(PAP_OF.get(ref)!);
    else if (statements.has(ref)) {
      if (hidden.has(ref)) out.unreadable = true;
    } else out.unreadable = true;
  };
  if (Array.isArray(object.object_marking_refs))
    for (const ref of object.object_marking_refs) read(ref);
  if (field !== undefined && Array.isArray(object.granular_markings)) {
    for (const gm of object.granular_markings as Record<string, unknown>[]) {
      const selectors = gm.selectors as string[];
      if (selectors.some((s) => s === field || s.startsWith(`${field}.`))) read(gm.marking_ref);
    }
  }
  return out;
}

/** The highest TLP rank among every marking reference anywhere in an output object. */
export function outputLevel(object: Record<string, unknown>): number {
  let rank = -1;
  const visit = (ref: unknown) => {
    const t = typeof ref === 'string' ? TLP_OF.get(ref) : undefined;
    if (t !== undefined) rank = Math.max(rank, t);
  };
  if (Array.isArray(object.object_marking_refs))
    for (const ref of object.object_marking_refs) visit(ref);
  if (Array.isArray(object.granular_markings))
    for (const gm of object.granular_markings as Record<string, unknown>[]) visit(gm.marking_ref);
  return rank;
}

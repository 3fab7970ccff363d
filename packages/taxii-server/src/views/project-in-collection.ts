import type { Decision, Projection } from '@intelshare/policy';

type StixObject = Record<string, unknown>;

/** The key of one object version: the same `id` at another `modified` is another input. */
function versionKey(object: StixObject): string {
  const version = typeof object.modified === 'string' ? object.modified : object.created;
  return `${String(object.id)}|${typeof version === 'string' ? version : ''}`;
}

/** A victim identity replaced by its class or pseudonym (emitted after every other object). */
function isReplaced(decision: Decision): boolean {
  return decision.redactions.some(
    (r) => r.path === '' && (r.action === 'pseudonymise' || r.action === 'generalise'),
  );
}

/** Marking ids an object refers to (object and granular markings). */
function markingRefs(object: StixObject, into: Set<string>): void {
  if (Array.isArray(object.object_marking_refs)) {
    for (const ref of object.object_marking_refs) if (typeof ref === 'string') into.add(ref);
  }
  if (Array.isArray(object.granular_markings)) {
    for (const marking of object.granular_markings) {
      const ref = (marking as { marking_ref?: unknown } | null)?.marking_ref;
      if (typeof ref === 'string') into.add(ref);
    }
  }
}

/** What the whole collection's projection gives for one page. */
export interface PageProjection {
  /** The page's projected copies, with the marking definitions and replacements they need. */
  objects: StixObject[];
  /** The decisions for the page's own objects, in page order. */
  decisions: Decision[];
}

/**
 * Projects a page as part of its whole collection: `run` projects the collection's latest
 * objects with the page's objects among them (appended when the page holds versions the
 * collection's latest does not), and this returns what that one projection gives for the
 * page's objects, in page order: each object's projected copy (never a copy decided against
 * the page alone, so a reference to an object on another page is judged by that object),
 * the marking definitions those copies need, and replacement identities when one of the
 * page's victims is replaced.
 *
 * `project()` emits marking definitions first, then the kept objects in input order, then
 * victim replacements; its decisions follow input order (marking definitions only when
 * withheld). The walk below relies on exactly that and checks it object by object: when the
 * output does not line up, it throws, so the read fails rather than sending a copy
 * attributed to the wrong object (fail closed).
 */
export function projectInCollection(
  page: readonly StixObject[],
  collection: readonly StixObject[],
  run: (input: StixObject[]) => Projection,
): PageProjection {
  const input: StixObject[] = [...collection];
  const indexOf = new Map<string, number>();
  collection.forEach((object, index) => {
    indexOf.set(versionKey(object), index);
  });
  const pageIndexes = page.map((object) => {
    const key = versionKey(object);
    let index = indexOf.get(key);
    if (index === undefined) {
      index = input.push(object) - 1;
      indexOf.set(key, index);
    }
    return index;
  });

  const projection = run(input);
  const output = projection.bundle.objects as StixObject[];
  const decisions = projection.decisions;
  let prefix = 0;
  while (prefix < output.length && output[prefix]!.type === 'marking-definition') prefix++;

  // Which output object (if any) each input produced, and whether it was replaced.
  const produced: (StixObject | undefined)[] = new Array(input.length);
  const replaced: boolean[] = new Array(input.length).fill(false);
  const decided: (Decision | undefined)[] = new Array(input.length);
  let next = 0;
  let cursor = prefix;
  input.forEach((object, index) => {
    if (object.type === 'marking-definition') {
      if (decisions[next]?.id === object.id) decided[index] = decisions[next++];
      return;
    }
    const decision = decisions[next++];
    if (decision === undefined || decision.id !== object.id) {
      throw new Error(
        `The projection's decisions do not follow its input at \`${String(object.id)}\`.`,
      );
    }
    decided[index] = decision;
    if (decision.action === 'withhold') return;
    if (isReplaced(decision)) {
      replaced[index] = true;
      return;
    }
    const copy = output[cursor++];
    if (copy === undefined || copy.type !== object.type) {
      throw new Error(
        `The projection's output does not follow its input at \`${String(object.id)}\`.`,
      );
    }
    produced[index] = copy;
  });
  const replacements = output.slice(cursor);
  if (replacements.some((object) => object.type !== 'identity')) {
    throw new Error("The projection's output holds more objects than its input explains.");
  }

  const own: StixObject[] = [];
  let anyReplaced = false;
  for (const index of pageIndexes) {
    const copy = produced[index];
    if (copy !== undefined) own.push(copy);
    if (replaced[index]) anyReplaced = true;
  }
  if (anyReplaced) own.push(...replacements);

  // The definitions of the markings the page's copies carry (and those carry), and the ones
  // the projection emits whatever it shares (the agreement marking): never one that only
  // another page's objects need.
  const heads = output.slice(0, prefix);
  const definitions = new Map(heads.map((d) => [String(d.id), d]));
  const closure = (objects: readonly StixObject[]): Set<string> => {
    const needed = new Set<string>();
    for (const object of objects) markingRefs(object, needed);
    const queue = [...needed];
    while (queue.length > 0) {
      const definition = definitions.get(queue.pop()!);
      if (definition === undefined) continue;
      const more = new Set<string>();
      markingRefs(definition, more);
      for (const ref of more) {
        if (needed.has(ref)) continue;
        needed.add(ref);
        queue.push(ref);
      }
    }
    return needed;
  };
  const neededHere = closure(own);
  const neededAnywhere = closure(output.slice(prefix));
  const ownHeads =
    own.length === 0
      ? []
      : heads.filter((d) => neededHere.has(String(d.id)) || !neededAnywhere.has(String(d.id)));
  const pageDecisions: Decision[] = [];
  for (const index of pageIndexes) {
    const decision = decided[index];
    if (decision !== undefined) pageDecisions.push(decision);
  }
  return { objects: [...ownHeads, ...own], decisions: pageDecisions };
}

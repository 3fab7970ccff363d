// A projection of a whole collection, served part by part (page by page) without holding the
// collection: a part's objects are projected together with everything their fate depends
// on, and the part's results are exactly those `project()` of the whole collection gives.
//
// Why this is exact. In `project()` an object's output depends on (1) its own decision,
// which depends on the collection only through its facts (victims, protected identities,
// locations, marking definitions: `CollectionFacts`, read once); (2) the victim stage,
// which merges every victim of a class into one replacement: every victim identity is in
// every part's input; (3) the objects it references, directly or through them (closing
// references, translations, derived ids): the part's input holds the latest version of
// every id reachable from the part through references; (4) other versions of its id: the
// latest version and the part's own versions are in the input. Every stage after select
// walks the objects in input order and acts on an object only through what it references,
// so the events of a reference-closed subset, kept in collection order, happen in the same
// rounds and the same order as in the whole projection. Objects outside the subset cannot
// reach it except through ids the projection makes up (a derived id or a victim class
// equal to an id in the collection): those are looked up and added, and projected again.
import { IntelshareError } from '@intelshare/stix';
import type { SharingAgreement } from '../../agreement/agreement-schema';
import { type CompiledAgreement, compiled } from '../../evaluate/compile-agreement';
import { toMs } from '../../evaluate/evaluate';
import { parseRecipient, type Recipient } from '../../recipient';
import { DepthError, isRecord } from '../json-edit';
import { agreementMarkingDefinition, type ProjectOptions, runProjection } from '../project';
import { walkRefs } from '../stages/entry';
import type { BundleFacts } from '../stages/state';
import { CollectionFacts } from './collection-facts';
import { type PartProjection, partOfProjection, versionKey } from './part-of-projection';

export type { PartProjection } from './part-of-projection';

/** One object of a collection and its place in the collection's order (e.g. TAXII `added`). */
export interface CollectionItem {
  readonly object: Record<string, unknown>;
  /** Position in the collection: objects are projected in ascending `order`. */
  readonly order: number;
}

/** How a collection projection reads the collection (the latest version of each object). */
export interface CollectionReader {
  /**
   * Every object of the collection, in ascending `order`, a chunk at a time. Objects whose
   * type is not in {@link COLLECTION_FACT_TYPES} may be left out: only those say anything
   * about the collection as a whole.
   */
  scan(): AsyncIterable<readonly CollectionItem[]>;
  /** The objects with these ids (at most one each: the latest version); ids it lacks are left out. */
  get(ids: readonly string[]): Promise<readonly CollectionItem[]>;
}

/**
 * The object types whose presence in a collection changes how other objects are projected
 * (victims named by sightings and `targets` relationships, locations of identities, marking
 * definitions). A {@link CollectionReader}'s `scan` needs to yield only these.
 *
 * @example
 * ```ts
 * import { COLLECTION_FACT_TYPES } from '@intelshare/policy';
 *
 * COLLECTION_FACT_TYPES.includes('relationship'); // true
 * COLLECTION_FACT_TYPES.includes('indicator'); // false
 * ```
 */
export const COLLECTION_FACT_TYPES: readonly string[] = Object.freeze([
  'identity',
  'location',
  'marking-definition',
  'relationship',
  'sighting',
]);

/** Options for {@link prepareCollectionProjection}. */
export interface CollectionProjectionOptions
  extends Pick<
    ProjectOptions,
    'markingDefinitions' | 'pseudonymKeys' | 'markObjects' | 'allowCustom'
  > {
  /** The time of the projection (default: when it is prepared); every part is projected at it. */
  now?: Date | string | number;
  /**
   * Most objects one part's projection may read: the part, everything it references
   * (transitively) and the victims (default 100,000). More fails that part (fail closed).
   */
  maxPartObjects?: number;
  /** Most memory (bytes, estimated) the collection's facts may hold (default 256 MiB). More fails the preparation. */
  maxStateBytes?: number;
}

/** A prepared projection of a collection: see {@link prepareCollectionProjection}. */
export interface CollectionProjection {
  /** The time every part is projected at (ms since the epoch). */
  readonly now: number;
  /** Objects the preparation read. */
  readonly objects: number;
  /** Estimated memory the collection's facts hold, in bytes. */
  readonly stateBytes: number;
  /**
   * Projects a part of the collection (its objects, e.g. a page; a version that is not the
   * collection's latest is projected as `project()` would with it added after the collection).
   *
   * @throws {RangeError} when the part needs more than `maxPartObjects` objects.
   * @throws {IntelshareError} `INVALID_ARGUMENT` when an item is not an object.
   */
  project(part: readonly Record<string, unknown>[]): Promise<PartProjection>;
}

const GET_BATCH = 500;

/**
 * Prepares a projection of a whole collection for one recipient, to be served part by part
 * (pages of a TAXII view, a preview table) with memory bounded by the collection's facts
 * (victims, protected identities, locations, marking definitions), never the collection
 * itself. Each part's result equals, object for object, what `project()` of the whole
 * collection (its latest objects in `order`, then the part's other versions) gives for the
 * part's objects: the same copies byte for byte, the same decisions, the same victim
 * replacements and derived ids; the part's objects come with the marking definitions they
 * need and the agreement's statement marking.
 *
 * A part is projected together with everything its objects reference, directly or through
 * other objects, and every victim identity, read through `reader.get`: its cost grows with
 * that set, not with the collection. The reader must show one state of the collection: a
 * caller whose collection can change checks, after projecting a part, that it did not (the
 * TAXII `policyView` compares the storage's change marker before and after, and decides
 * the page again otherwise).
 *
 * @param reader - How to read the collection.
 * @param agreement - A validated or compiled agreement.
 * @param recipient - Who receives the collection.
 * @param options - Time, registry, pseudonym keys, limits.
 * @returns The prepared projection.
 * @throws {RangeError} when the facts exceed `maxStateBytes` or the victims `maxPartObjects`.
 *
 * @example
 * ```ts
 * import { parseAgreement, prepareCollectionProjection, type CollectionItem } from '@intelshare/policy';
 *
 * const agreement = parseAgreement({
 *   id: 'demo', version: '1', title: 'Demo', effective: { from: '2026-01-01T00:00:00Z' },
 *   purposes: ['detection'],
 *   parties: [
 *     { identity: 'identity--8ce3f695-d5a4-4dc8-9e93-a65af453a31a', name: 'P', role: 'provider' },
 *     { identity: 'identity--03e23f6c-0ac9-4b47-9c84-f718132adb21', name: 'R', role: 'recipient' },
 *   ],
 *   recipients: [{ match: { identities: ['identity--03e23f6c-0ac9-4b47-9c84-f718132adb21'] }, maxTlp: 'green' }],
 * });
 * const items: CollectionItem[] = []; // e.g. rows of a database, `order` their insertion order
 * const byId = new Map(items.map((item) => [String(item.object.id), item]));
 * const projection = await prepareCollectionProjection(
 *   {
 *     async *scan() { yield items; },
 *     async get(ids) { return ids.flatMap((id) => byId.get(id) ?? []); },
 *   },
 *   agreement,
 *   { identity: 'identity--03e23f6c-0ac9-4b47-9c84-f718132adb21' },
 *   { now: '2026-03-01T00:00:00Z' },
 * );
 * const page = await projection.project(items.slice(0, 100).map((item) => item.object));
 * page.decisions.length; // 0
 * ```
 */
export async function prepareCollectionProjection(
  reader: CollectionReader,
  agreement: SharingAgreement | CompiledAgreement,
  recipient: Recipient,
  options: CollectionProjectionOptions = {},
): Promise<CollectionProjection> {
  const c = compiled(agreement);
  const who = parseRecipient(recipient);
  const now = toMs(options.now);
  const maxPart = options.maxPartObjects ?? 100_000;
  const maxBytes = options.maxStateBytes ?? 256 * 1024 * 1024;
  const agreementMarkingId = agreementMarkingDefinition(c).id;
  const projectOptions: ProjectOptions = {
    now,
    ...(options.markingDefinitions ? { markingDefinitions: options.markingDefinitions } : {}),
    ...(options.pseudonymKeys ? { pseudonymKeys: options.pseudonymKeys } : {}),
    ...(options.markObjects ? { markObjects: options.markObjects } : {}),
    ...(options.allowCustom !== undefined ? { allowCustom: options.allowCustom } : {}),
  };

  const facts = new CollectionFacts(c, projectOptions);
  let lastOrder = Number.NEGATIVE_INFINITY;
  for await (const chunk of reader.scan()) {
    for (const item of chunk) {
      if (!(item.order > lastOrder)) {
        throw new RangeError(
          'The collection reader yielded objects out of `order`; the projection is refused (fail closed).',
        );
      }
      lastOrder = item.order;
      facts.add(item.object);
    }
    if (facts.bytes > maxBytes) {
      throw new RangeError(
        `The collection's facts (victims, locations, marking definitions) need more than ${maxBytes} bytes; the projection is refused (fail closed).`,
      );
    }
  }
  const getAll = async (ids: readonly string[]): Promise<CollectionItem[]> => {
    const out: CollectionItem[] = [];
    for (let i = 0; i < ids.length; i += GET_BATCH)
      out.push(...(await reader.get(ids.slice(i, i + GET_BATCH))));
    return out;
  };
  if (facts.victimIds.size > maxPart) {
    throw new RangeError(
      `The collection names more than ${maxPart} victims, and every part is projected with all of them; the projection is refused (fail closed).`,
    );
  }
  const victims = await getAll([...facts.victimIds]);
  let plainFacts: BundleFacts | undefined;

  const projectPart = async (part: readonly Record<string, unknown>[]): Promise<PartProjection> => {
    part.forEach((object, index) => {
      if (!isRecord(object))
        throw new IntelshareError('INVALID_ARGUMENT', 'A part holds objects only.', {
          path: `part[${index}]`,
        });
    });
    const latest = new Map<string, CollectionItem>();
    const asked = new Set<string>();
    const closeOver = async (seeds: Iterable<string>): Promise<void> => {
      let frontier = new Set<string>();
      for (const id of seeds) if (!asked.has(id)) frontier.add(id);
      while (frontier.size > 0) {
        for (const id of frontier) asked.add(id);
        if (asked.size > maxPart) {
          throw new RangeError(
            `Projecting this part needs more than ${maxPart} objects (what it references, transitively); it is refused (fail closed).`,
          );
        }
        const next = new Set<string>();
        for (const item of await getAll([...frontier])) {
          const id = String(item.object.id);
          if (latest.has(id)) continue;
          latest.set(id, item);
          for (const ref of referencesOf(item.object)) if (!asked.has(ref)) next.add(ref);
        }
        frontier = next;
      }
    };
    const seeds = new Set<string>();
    for (const object of part) {
      seeds.add(String(object.id));
      for (const ref of referencesOf(object)) seeds.add(ref);
    }
    await closeOver(seeds);

    // Versions the collection's latest does not hold are projected after the collection.
    const extra: Record<string, unknown>[] = [];
    const extraKeys = new Set<string>();
    for (const object of part) {
      const key = versionKey(object);
      const found = latest.get(String(object.id));
      if (found !== undefined && versionKey(found.object) === key) continue;
      if (extraKeys.has(key)) continue;
      extraKeys.add(key);
      extra.push(object);
    }
    let runFacts: BundleFacts;
    let runVictims = victims;
    if (extra.length === 0) runFacts = plainFacts ??= facts.with([]);
    else {
      runFacts = facts.with(extra);
      const more = [...runFacts.victimIds].filter((id) => !facts.victimIds.has(id));
      if (more.length > 0) runVictims = [...victims, ...(await getAll(more))];
    }

    for (let attempt = 0; ; attempt++) {
      const byId = new Map<string, CollectionItem>();
      for (const item of runVictims) byId.set(String(item.object.id), item);
      for (const [id, item] of latest) byId.set(id, item);
      if (byId.size + extra.length > maxPart) {
        throw new RangeError(
          `Projecting this part needs more than ${maxPart} objects (what it references, transitively, and the victims); it is refused (fail closed).`,
        );
      }
      const items = [...byId.values()].sort((x, y) => x.order - y.order);
      const input: Record<string, unknown>[] = items.map((item) => item.object);
      const indexOf = new Map<string, number>();
      input.forEach((object, index) => {
        indexOf.set(versionKey(object), index);
      });
      const partIndexes = part.map((object) => {
        const key = versionKey(object);
        let index = indexOf.get(key);
        if (index === undefined) {
          index = input.push(object) - 1;
          indexOf.set(key, index);
        }
        return index;
      });
      const { projection, madeIds } = runProjection(input, '', c, who, projectOptions, runFacts);
      // An id the projection made up that the collection also holds: the object holding it
      // takes part in the whole projection, so it (and what it references) must be here too.
      const unknown = [...madeIds].filter((id) => !asked.has(id));
      if (unknown.length > 0 && attempt < 16) {
        const before = latest.size;
        await closeOver(unknown);
        if (latest.size > before) continue;
      } else if (unknown.length > 0) {
        throw new RangeError(
          'Projecting this part keeps meeting objects whose ids the projection makes up; it is refused (fail closed).',
        );
      }
      return partOfProjection(input, partIndexes, projection, agreementMarkingId);
    }
  };

  return {
    now,
    objects: facts.objects,
    stateBytes: facts.bytes + victims.length * 1024,
    project: projectPart,
  };
}

/** The ids an object references that closing references looks at (markings aside). */
function referencesOf(object: Record<string, unknown>): Set<string> {
  const out = new Set<string>();
  try {
    walkRefs(object, [], (_parent, _key, _index, ref) => {
      out.add(ref);
    });
  } catch (error) {
    // Nested too deeply: the projection withholds such an object whatever it references.
    if (!(error instanceof DepthError)) throw error;
  }
  return out;
}

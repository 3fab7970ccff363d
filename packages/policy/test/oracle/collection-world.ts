// Runs one random world through a collection projection served part by part, and compares
// it with `project()` of the whole world: same decisions, same copies byte for byte, same
// marking definitions, and the oracle's checks on what the parts give together.
import {
  type CollectionItem,
  type CollectionReader,
  parseAgreement,
  prepareCollectionProjection,
  project,
} from '../../src/index';
import { KEYS, outputViolations } from './check-world';
import { agreementInput, buildWorld, NOW, recipientOf, type WorldSpec } from './world';

export interface CollectionWorldPlan {
  /** A permutation seed for the collection's order (so references also point forward). */
  shuffle: number;
  /** Chunk sizes the reader's scan yields, cycled (each ≥ 1). */
  chunks: number[];
  /** Part sizes, cycled (each ≥ 1). */
  parts: number[];
  /** Seed of what is added to the world (see `augment`); 0 adds nothing. */
  extra: number;
  /** Also project one part holding an older version of one of its objects. */
  olderVersion: boolean;
}

export interface CollectionWorldResult {
  skipped: boolean;
  differences: string[];
  violations: string[];
  parts: number;
}

export async function checkCollectionWorld(
  spec: WorldSpec,
  seed: number,
  plan: CollectionWorldPlan,
): Promise<CollectionWorldResult> {
  let agreement: ReturnType<typeof parseAgreement>;
  try {
    agreement = parseAgreement(agreementInput(spec));
  } catch {
    return { skipped: true, differences: [], violations: [], parts: 0 };
  }
  const world = buildWorld(spec, seed);
  const objects = shuffled(augment(world.bundle.objects, plan.extra), plan.shuffle);
  const recipient = recipientOf(spec);
  const whole = project(objects, agreement, recipient, { now: NOW, pseudonymKeys: KEYS });

  const items: CollectionItem[] = objects.map((object, index) => ({ object, order: index * 10 }));
  const byId = new Map(items.map((item) => [String(item.object.id), item]));
  const reader: CollectionReader = {
    async *scan() {
      for (let at = 0, n = 0; at < items.length; n++) {
        const size = plan.chunks[n % plan.chunks.length]!;
        yield items.slice(at, at + size);
        at += size;
      }
    },
    async get(ids) {
      return ids.flatMap((id) => {
        const item = byId.get(id);
        return item ? [item] : [];
      });
    },
  };
  const collection = await prepareCollectionProjection(reader, agreement, recipient, {
    now: NOW,
    pseudonymKeys: KEYS,
  });

  const differences: string[] = [];
  const partDecisions: unknown[] = [];
  const partObjects: Record<string, unknown>[] = [];
  let parts = 0;
  for (let at = 0, n = 0; at < objects.length; n++) {
    const size = plan.parts[n % plan.parts.length]!;
    const part = objects.slice(at, at + size);
    at += size;
    parts++;
    const result = await collection.project(part);
    partDecisions.push(...result.decisions);
    partObjects.push(...(result.objects as Record<string, unknown>[]));
    // Each part is self-contained: every marking it carries has its definition in the part.
    const defined = new Set(
      result.objects.filter((o) => o.type === 'marking-definition').map((o) => String(o.id)),
    );
    for (const object of result.objects) {
      for (const ref of markingRefs(object as Record<string, unknown>))
        if (!defined.has(ref) && !ref.startsWith('marking-definition--'))
          differences.push(`part ${n}: ${String(object.id)} carries ${ref}`);
        else if (!defined.has(ref)) differences.push(`part ${n}: no definition for ${ref}`);
    }
  }

  const text = (o: unknown) => JSON.stringify(o);
  if (plan.olderVersion)
    differences.push(...(await olderVersionPart(objects, collection, plan, agreement, recipient)));
  if (text(partDecisions) !== text(whole.decisions))
    differences.push(
      `decisions differ:\nparts ${text(partDecisions)}\nwhole ${text(whole.decisions)}`,
    );
  // A part that shares nothing carries nothing, not even the agreement's statement marking.
  const nothingShared = partObjects.length === 0;
  const wholeSet = new Set(
    whole.bundle.objects
      .filter((o) => !(nothingShared && o.type === 'marking-definition'))
      .map(text),
  );
  const partSet = new Set(partObjects.map(text));
  for (const object of wholeSet)
    if (!partSet.has(object)) differences.push(`missing from the parts: ${object}`);
  for (const object of partSet)
    if (!wholeSet.has(object)) differences.push(`not in the whole projection: ${object}`);
  // Copies (not definitions, not replacements) come in the order of the whole projection.
  const inputIds = new Set(objects.map((o) => String(o.id)));
  const order = (list: readonly unknown[]) =>
    list
      .map((o) => o as Record<string, unknown>)
      .filter((o) => o.type !== 'marking-definition' && o.identity_class !== 'class')
      .filter((o) => inputIds.has(String(o.id)) || o.type !== 'identity')
      .map(text);
  const wholeOrder = order(whole.bundle.objects);
  const partOrder = [...new Set(order(partObjects))];
  if (text(wholeOrder) !== text(partOrder)) differences.push('copies come in another order');

  const violations = outputViolations(spec, world, {
    type: 'bundle',
    id: whole.bundle.id,
    objects: [...new Map(partObjects.map((o) => [text(o), o])).values()],
  });
  return { skipped: false, differences, violations, parts };
}

/**
 * A part holding an older version of one of its objects (a TAXII page of all versions):
 * what `project()` of the collection followed by that version gives for the part.
 */
async function olderVersionPart(
  objects: Record<string, unknown>[],
  collection: Awaited<ReturnType<typeof prepareCollectionProjection>>,
  plan: CollectionWorldPlan,
  agreement: ReturnType<typeof parseAgreement>,
  recipient: ReturnType<typeof recipientOf>,
): Promise<string[]> {
  const versioned = objects.filter(
    (o) => o.type !== 'marking-definition' && typeof o.modified === 'string',
  );
  if (versioned.length === 0) return [];
  const latest = versioned[plan.shuffle % versioned.length]!;
  const older = { ...latest, modified: '2026-01-15T00:00:00.000Z' };
  const at = objects.indexOf(latest);
  const part = [...objects.slice(Math.max(0, at - 2), at + 1), older];
  const result = await collection.project(part);
  const whole = project([...objects, older], agreement, recipient, {
    now: NOW,
    pseudonymKeys: KEYS,
  });
  const out: string[] = [];
  const wholeTexts = new Set(whole.bundle.objects.map((o) => JSON.stringify(o)));
  for (const object of result.objects)
    if (!wholeTexts.has(JSON.stringify(object)))
      out.push(`older-version part: not in the whole projection: ${JSON.stringify(object)}`);
  if (JSON.stringify(result.decisions.at(-1)) !== JSON.stringify(whole.decisions.at(-1)))
    out.push(
      `older-version part: its decision ${JSON.stringify(result.decisions.at(-1))} differs from ${JSON.stringify(whole.decisions.at(-1))}`,
    );
  return out;
}

function markingRefs(object: Record<string, unknown>): string[] {
  const out: string[] = [];
  if (Array.isArray(object.object_marking_refs))
    for (const ref of object.object_marking_refs) if (typeof ref === 'string') out.push(ref);
  if (Array.isArray(object.granular_markings))
    for (const gm of object.granular_markings) {
      const ref = (gm as { marking_ref?: unknown }).marking_ref;
      if (typeof ref === 'string') out.push(ref);
    }
  return out;
}

/** A deterministic permutation (Fisher–Yates over a small LCG). */
function shuffled<T>(list: readonly T[], seed: number): T[] {
  const out = [...list];
  let state = seed >>> 0 || 1;
  for (let i = out.length - 1; i > 0; i--) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    const j = state % (i + 1);
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

const T = '2026-02-01T00:00:00.000Z';
const THIRD_PARTY_CREATOR = 'identity--7d1f0d8e-55a1-4d6c-9a3e-0c2b9f1e4a11';

/**
 * Adds to a world what makes objects depend on one another across parts: a third-party
 * creator (so redacted objects are re-identified, and references to them rewritten),
 * reports and notes referencing others (chains, forward references once shuffled), victims
 * sharing a sector (one replacement for several), located-at relationships and locations,
 * sightings at victims.
 */
function augment(objects: Record<string, unknown>[], seed: number): Record<string, unknown>[] {
  if (seed === 0) return objects;
  let state = seed >>> 0 || 1;
  const rand = (n: number) => {
    state = (Math.imul(state, 1103515245) + 12345) >>> 0;
    return (state >>> 8) % n;
  };
  const out = objects.map((o) => ({ ...o }));
  let n = 0;
  const id = (type: string) =>
    `${type}--${(seed >>> 0).toString(16).padStart(8, '0')}-1111-4000-8000-${(++n).toString(16).padStart(12, '0')}`;
  const creator: Record<string, unknown> = {
    type: 'identity',
    spec_version: '2.1',
    id: THIRD_PARTY_CREATOR,
    created: T,
    modified: T,
    name: 'Third party',
    identity_class: 'organization',
  };
  if (rand(3) > 0) out.push(creator);
  const identities = out.filter((o) => o.type === 'identity' && o.id !== THIRD_PARTY_CREATOR);
  for (const object of out) {
    if (object.type === 'marking-definition' || object.id === THIRD_PARTY_CREATOR) continue;
    if (object.created_by_ref === undefined && rand(2) === 0)
      object.created_by_ref = THIRD_PARTY_CREATOR;
    if (object.type === 'identity' && rand(2) === 0) object.sectors = ['finance'];
  }
  const locations: Record<string, unknown>[] = [];
  for (let i = rand(3); i > 0; i--) {
    const location: Record<string, unknown> = {
      type: 'location',
      spec_version: '2.1',
      id: id('location'),
      created: T,
      modified: T,
      country: ['FR', 'DE', 'NL'][rand(3)],
    };
    if (rand(3) === 0)
      location.object_marking_refs = [
        'marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1', // TLP:RED
      ];
    locations.push(location);
    out.push(location);
  }
  for (const identity of identities) {
    if (locations.length === 0 || rand(2) === 0) continue;
    out.push({
      type: 'relationship',
      spec_version: '2.1',
      id: id('relationship'),
      created: T,
      modified: T,
      relationship_type: 'located-at',
      source_ref: identity.id,
      target_ref: locations[rand(locations.length)]!.id,
    });
  }
  const pool = () => out.filter((o) => o.type !== 'marking-definition');
  for (let i = rand(4); i > 0; i--) {
    const targets = pool();
    if (targets.length === 0) break;
    const refs = [
      ...new Set(Array.from({ length: 1 + rand(3) }, () => targets[rand(targets.length)]!.id)),
    ];
    out.push({
      type: 'report',
      spec_version: '2.1',
      id: id('report'),
      created: T,
      modified: T,
      name: 'Report',
      published: T,
      object_refs: refs,
      ...(rand(2) === 0 ? { created_by_ref: THIRD_PARTY_CREATOR } : {}),
    });
  }
  if (identities.length > 0) {
    for (let i = rand(3); i > 0; i--) {
      const targets = pool().filter((o) => o.type === 'indicator' || o.type === 'malware');
      if (targets.length === 0) break;
      out.push({
        type: 'sighting',
        spec_version: '2.1',
        id: id('sighting'),
        created: T,
        modified: T,
        sighting_of_ref: targets[rand(targets.length)]!.id,
        where_sighted_refs: [identities[rand(identities.length)]!.id],
      });
    }
  }
  return out;
}

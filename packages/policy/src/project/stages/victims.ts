// Projection stage 2 (part of redact), victims: a victim identity the agreement
// generalises or pseudonymises is replaced by a class or pseudonym identity. The
// replacement may use only values the recipient may see (a `sectors` or `identity_class`
// the victim's own decision removes is not used; a country only from a location the
// recipient receives with its `country`), and it carries every marking of what it was
// built from, so nothing is shared below the marking it came with. The replacement is
// then judged like any object: if the recipient may not receive it, the victim is withheld.
import { uuidV5 } from '@intelshare/stix';
import type { Redaction } from '../../evaluate/decision';
import { decide } from '../../evaluate/evaluate';
import { pseudonymIdentity } from '../../evaluate/pseudonym';
import { parseSelector } from '../../markings/granular';
import { INTELSHARE_POLICY_NAMESPACE } from '../ids';
import { isRecord } from '../json-edit';
import type { Entry } from './entry';
import { addPresent, type ProjectionState } from './state';

const SECTOR = /^[a-z0-9-]{1,64}$/;

/** Input: the entries. Output: `state.replacements` and `state.idMap` for victims, victims without a shareable replacement withheld. */
export function protectVictims(state: ProjectionState): void {
  const key = state.env.pseudonymKey;
  for (const entry of state.entries) {
    const whole = entry.decision.redactions.find((r) => r.path === '');
    if (!whole) continue;
    entry.replacement = true;
    const built =
      whole.action === 'pseudonymise' && key
        ? withMarkings(
            pseudonymIdentity(key, visibleCopy(entry, ['identity_class']), state.agreementTime),
            entry,
            ['identity_class'],
          )
        : generalise(state, entry, true);
    merge(state, entry, built);
  }
  for (const [id, replacement] of state.replacements) {
    let decision = decide(state.c, state.clearance, replacement.object, state.env, '');
    if (decision.action === 'withhold' && replacement.object.name !== undefined) {
      // A country from a location or relationship the recipient may not see: try without it.
      const retry = replacement.victims.map((victim) => generalise(state, victim, false));
      if (retry.every((r) => r.id === retry[0]!.id) && retry[0]!.id !== id) {
        const merged = retry[0]!;
        decision = decide(state.c, state.clearance, merged, state.env, '');
        if (decision.action !== 'withhold') {
          state.replacements.delete(id);
          for (const victim of replacement.victims) merge(state, victim, merged);
          continue;
        }
      }
    }
    if (decision.action === 'withhold') {
      state.replacements.delete(id);
      for (const victim of replacement.victims) {
        state.idMap.delete(String(victim.original.id));
        victim.withheld = true;
        victim.extraReasons.push({
          rule: 'victim-identity',
          effect: 'deny',
          clause: 'victimProtection.identities',
          message:
            'The identity that would replace this victim carries markings of what it was built from that the recipient may not receive, so the victim is withheld.',
        });
      }
    }
  }
  for (const id of state.replacements.keys()) addPresent(state, id);
}

function merge(state: ProjectionState, entry: Entry, built: Record<string, unknown>): void {
  const id = String(built.id);
  state.idMap.set(String(entry.original.id), id);
  const existing = state.replacements.get(id);
  if (existing === undefined) {
    built.object_marking_refs = [
      ...new Set([...(built.object_marking_refs as string[]), state.agreementMarking.id]),
    ].sort();
    state.replacements.set(id, { object: built, victims: [entry] });
    entry.object = built;
    return;
  }
  // Several victims of one class: all their markings, so the most restrictive still wins.
  const refs = new Set<string>(existing.object.object_marking_refs as string[]);
  for (const ref of built.object_marking_refs as string[]) refs.add(ref);
  existing.object.object_marking_refs = [...refs].sort();
  if (!existing.victims.includes(entry)) existing.victims.push(entry);
  entry.object = existing.object;
}

/** Whether the victim's own decision removes (part of) a property. */
function removes(redactions: readonly Redaction[], property: string): boolean {
  return redactions.some(
    (r) =>
      r.action === 'remove' &&
      (r.path === property ||
        r.path.startsWith(`${property}[`) ||
        r.path.startsWith(`${property}.`)),
  );
}

/** The victim with only the listed properties, and only those the recipient may see. */
function visibleCopy(entry: Entry, properties: readonly string[]): Record<string, unknown> {
  const out: Record<string, unknown> = { id: entry.original.id };
  for (const property of properties) {
    if (!Object.hasOwn(entry.original, property)) continue;
    if (removes(entry.decision.redactions, property)) continue;
    out[property] = entry.original[property];
  }
  return out;
}

/** Adds the victim's object markings and the granular markings on the properties used. */
function withMarkings(
  built: Record<string, unknown>,
  from: Entry,
  used: readonly string[],
  extra: readonly unknown[] = [],
): Record<string, unknown> {
  const refs = new Set<string>();
  const add = (list: unknown) => {
    if (Array.isArray(list)) for (const ref of list) if (typeof ref === 'string') refs.add(ref);
  };
  add(from.original.object_marking_refs);
  for (const item of extra) add(item);
  const gms = from.original.granular_markings;
  if (Array.isArray(gms)) {
    for (const gm of gms) {
      if (!isRecord(gm) || typeof gm.marking_ref !== 'string' || !Array.isArray(gm.selectors))
        continue;
      const touches = gm.selectors.some((selector) => {
        const top = parseSelector(selector)?.[0];
        return typeof top === 'string' && used.includes(top);
      });
      if (touches) refs.add(gm.marking_ref);
    }
  }
  built.object_marking_refs = [...refs].sort();
  return built;
}

/**
 * The class identity a victim is generalised to: its visible sectors and, when the bundle
 * says where it is (`located-at` a location with a `country`, both shared with the
 * recipient), its country. Victims of the same class share one identity, so nothing tells
 * them apart.
 */
function generalise(
  state: ProjectionState,
  entry: Entry,
  withCountry: boolean,
): Record<string, unknown> {
  const visible = visibleCopy(entry, ['sectors']);
  const sectors = Array.isArray(visible.sectors)
    ? [
        ...new Set(
          visible.sectors.filter((s): s is string => typeof s === 'string' && SECTOR.test(s)),
        ),
      ].sort()
    : [];
  const used = sectors.length > 0 ? ['sectors'] : [];
  const extra: unknown[] = [];
  let country: string | undefined;
  if (withCountry) {
    for (const relationship of state.facts.locatedAt.get(String(entry.original.id)) ?? []) {
      const location = state.facts.locations.get(String(relationship.target_ref));
      if (!location || typeof location.country !== 'string') continue;
      if (!/^[A-Za-z]{2,3}$/.test(location.country)) continue;
      const seen = decide(state.c, state.clearance, location, state.env, '');
      if (seen.action === 'withhold' || removes(seen.redactions, 'country')) continue;
      country = location.country.toUpperCase();
      extra.push(location.object_marking_refs, relationship.object_marking_refs);
      break;
    }
  }
  const what =
    sectors.length > 0
      ? `Organisations in the ${sectors.join(', ')} sector${sectors.length > 1 ? 's' : ''}`
      : 'Organisations (sector not stated)';
  const out: Record<string, unknown> = {
    type: 'identity',
    spec_version: '2.1',
    id: `identity--${uuidV5(INTELSHARE_POLICY_NAMESPACE, `class|${sectors.join(',')}|${country ?? ''}`)}`,
    created: state.agreementTime,
    modified: state.agreementTime,
    name: country ? `${what} (${country})` : what,
    identity_class: 'class',
  };
  if (sectors.length > 0) out.sectors = sectors;
  return withMarkings(out, entry, used, extra);
}

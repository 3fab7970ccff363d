import { isPlainObject } from '../model/props';
import { STIX_TYPES } from '../model/schemas';

/** STIX 2.0 used `labels` for what 2.1 calls `<type>_types` on these SDOs. */
const LABELS_TO_TYPES: Record<string, string> = {
  indicator: 'indicator_types',
  malware: 'malware_types',
  report: 'report_types',
  'threat-actor': 'threat_actor_types',
  tool: 'tool_types',
};

/** Tells whether a top-level object looks like STIX 2.0 (no `spec_version` on an SDO/SRO/meta object). */
export function looksLikeStix20(o: Record<string, unknown>): boolean {
  if (o.spec_version !== undefined) return false;
  const def = typeof o.type === 'string' ? STIX_TYPES.get(o.type) : undefined;
  // SCOs may omit spec_version in 2.1; custom objects with `created` are SDO-like.
  if (def) return def.kind !== 'sco';
  return o.created !== undefined;
}

/**
 * Upgrades one STIX 2.0 object to 2.1 in place (STIX 2.1 Appendix "Changes from 2.0"):
 * adds `spec_version`, copies 2.0 `labels` to the 2.1 `*_types` property, adds
 * `pattern_type: "stix"` to indicators and `is_family: true` to malware (2.0 malware
 * described families). Property order is kept; new properties go after `type`.
 */
export function upgradeObject(o: Record<string, unknown>): Record<string, unknown> {
  if (!isPlainObject(o) || typeof o.type !== 'string') return o;
  const additions: Record<string, unknown> = { spec_version: '2.1' };
  // Own keys only: `type` comes from the input (`LABELS_TO_TYPES.constructor` is a function).
  const typesProperty = Object.hasOwn(LABELS_TO_TYPES, o.type)
    ? LABELS_TO_TYPES[o.type]
    : undefined;
  if (typesProperty && o[typesProperty] === undefined && Array.isArray(o.labels))
    additions[typesProperty] = o.labels;
  if (o.type === 'indicator' && o.pattern_type === undefined) additions.pattern_type = 'stix';
  if (o.type === 'malware' && o.is_family === undefined) additions.is_family = true;
  // Rebuild to place spec_version right after type, as 2.1 producers do.
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(o)) {
    // defineProperty, not assignment: an own `__proto__` key must stay an own property
    // (so validation reports and removes it) instead of replacing `out`'s prototype.
    Object.defineProperty(out, key, {
      value: o[key],
      enumerable: true,
      writable: true,
      configurable: true,
    });
    if (key === 'type') Object.assign(out, additions);
  }
  return out;
}

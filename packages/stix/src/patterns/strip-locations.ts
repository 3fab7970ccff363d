/**
 * Returns a deep copy of a syntax tree without `loc` properties, so two trees can be
 * compared for structure (e.g. a parsed tree and the tree re-parsed from its printout).
 *
 * @param node - Any pattern syntax tree or subtree.
 * @returns The same structure with every `loc` removed.
 *
 * @example
 * ```ts
 * import { parsePattern, printPattern, stripLocations } from '@intelshare/stix/patterns';
 *
 * const ast = parsePattern("[file:name='a']");
 * const again = parsePattern(printPattern(ast));
 * JSON.stringify(stripLocations(ast)) === JSON.stringify(stripLocations(again)); // true
 * ```
 */
export function stripLocations<T>(node: T): T {
  if (Array.isArray(node)) return node.map((item) => stripLocations(item)) as T;
  if (typeof node !== 'object' || node === null) return node;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(node)) {
    if (key !== 'loc') out[key] = stripLocations(value);
  }
  return out as T;
}

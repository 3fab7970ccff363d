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
  // An explicit stack rather than recursion: a pattern tree can be thousands of levels
  // deep (a long AND chain is a left-deep tree).
  const root: { value: unknown } = { value: undefined };
  const stack: [
    source: unknown,
    target: Record<string, unknown> | unknown[],
    key: string | number,
  ][] = [[node, root as unknown as Record<string, unknown>, 'value']];
  while (stack.length > 0) {
    const [source, target, key] = stack.pop()!;
    let copy: unknown = source;
    if (Array.isArray(source)) {
      const list: unknown[] = new Array(source.length);
      for (let i = source.length - 1; i >= 0; i--) stack.push([source[i], list, i]);
      copy = list;
    } else if (typeof source === 'object' && source !== null) {
      const out: Record<string, unknown> = {};
      const entries = Object.entries(source);
      // Keys are assigned in their original order so printed copies compare equal.
      for (const [k] of entries) if (k !== 'loc') out[k] = undefined;
      for (let i = entries.length - 1; i >= 0; i--) {
        const [k, v] = entries[i]!;
        if (k !== 'loc') stack.push([v, out, k]);
      }
      copy = out;
    }
    (target as Record<string | number, unknown>)[key] = copy;
  }
  return root.value as T;
}

import { joinPath } from '../model/issue';
import { FORBIDDEN_KEYS } from '../model/props';
import type { ValidationContext } from './context';

/**
 * Removes and reports every `__proto__`, `constructor` and `prototype` key left anywhere in
 * `value`. The checkers already do this for values of the expected type; a value of the
 * wrong type (an object where a string belongs, an object inside a list of strings) is
 * reported without being walked, and lenient mode keeps the object, so such keys would
 * survive. Runs only for objects that raised a type or value issue. Walks iteratively with
 * a bound on the nodes visited, so neither deep nor cyclic values (from callers of
 * `validateStixObject`) can exhaust the stack or loop.
 */
export function removeForbiddenKeys(value: unknown, ctx: ValidationContext, path: string): void {
  const stack: { value: unknown; path: string; depth: number }[] = [{ value, path, depth: 0 }];
  const seen = new Set<object>();
  let budget = 1_000_000;
  while (stack.length > 0 && budget-- > 0) {
    const item = stack.pop()!;
    const v = item.value;
    if (typeof v !== 'object' || v === null || seen.has(v)) continue;
    seen.add(v);
    // Past the depth limit the checkers already reported LIMIT_EXCEEDED; nothing is kept then.
    if (item.depth > ctx.maxDepth) continue;
    if (Array.isArray(v)) {
      for (let i = v.length - 1; i >= 0; i--)
        if (typeof v[i] === 'object' && v[i] !== null)
          stack.push({ value: v[i], path: joinPath(item.path, i), depth: item.depth + 1 });
      continue;
    }
    const o = v as Record<string, unknown>;
    const keys = Object.keys(o);
    const children: { value: unknown; path: string; depth: number }[] = [];
    for (const key of keys) {
      if (FORBIDDEN_KEYS.has(key)) {
        ctx.fatal(
          'FORBIDDEN_KEY',
          item.path,
          key,
          `Key \`${key}\` is not allowed (prototype pollution).`,
        );
        delete o[key];
      } else if (typeof o[key] === 'object' && o[key] !== null) {
        children.push({ value: o[key], path: joinPath(item.path, key), depth: item.depth + 1 });
      }
    }
    // Reversed onto the stack, so issues come out in document order.
    for (let i = children.length - 1; i >= 0; i--) stack.push(children[i]!);
  }
}

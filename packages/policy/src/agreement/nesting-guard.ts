/**
 * The deepest nesting an agreement text may have before it reaches the YAML parser. Real
 * agreements nest about six levels; the `yaml` parser recurses once per level, and a text of
 * `[[[[…` or `- - - …` (under `maxBytes`) overflows its stack — and a stack overflow deep
 * inside a library leaves the process fragile. So the text is measured first, in one pass.
 */
export const MAX_AGREEMENT_NESTING = 64;

/** Characters after which a quote opens a quoted scalar (YAML 1.2 §7.3: a node's start). */
const NODE_START = new Set(['', ' ', '\t', '\n', '\r', '[', '{', ',', ':', '-', '?']);

/**
 * The nesting depth of a YAML (or JSON) text, measured without parsing it: flow collections
 * (`[`, `{`) outside quoted scalars and comments, plus block sequence entries written on one
 * line (`- - - x`). Stops counting once `limit` is passed, so the cost is one linear pass.
 * @returns the depth found, or a number above `limit` as soon as it is passed.
 */
export function measureYamlNesting(text: string, limit = MAX_AGREEMENT_NESTING): number {
  let flow = 0;
  let deepest = 0;
  let quote: '' | "'" | '"' = '';
  let atLineStart = true;
  let compactEntries = 0;
  let previous = '';
  for (let i = 0; i < text.length; i += 1) {
    const c = text[i] as string;
    if (quote === '"') {
      if (c === '\\') i += 1;
      else if (c === '"') quote = '';
      previous = c;
      continue;
    }
    if (quote === "'") {
      // '' inside a single-quoted scalar is an escaped quote; the next ' closes it otherwise.
      if (c === "'" && text[i + 1] === "'") i += 1;
      else if (c === "'") quote = '';
      previous = c;
      continue;
    }
    if (c === '\n') {
      atLineStart = true;
      compactEntries = 0;
      previous = c;
      continue;
    }
    if (c === '#' && (previous === '' || previous === ' ' || previous === '\t' || atLineStart)) {
      while (i + 1 < text.length && text[i + 1] !== '\n') i += 1;
      continue;
    }
    if (atLineStart) {
      if (c === ' ' || c === '\t') {
        previous = c;
        continue;
      }
      // `- - - x`: every `-` followed by a blank opens one more block sequence.
      if ((c === '-' || c === '?') && (text[i + 1] === ' ' || text[i + 1] === '\t')) {
        compactEntries += 1;
        if (compactEntries + flow > deepest) deepest = compactEntries + flow;
        if (deepest > limit) return deepest;
        previous = c;
        continue;
      }
      atLineStart = false;
    }
    if ((c === '"' || c === "'") && NODE_START.has(previous)) quote = c;
    else if (c === '[' || c === '{') {
      flow += 1;
      if (flow + compactEntries > deepest) deepest = flow + compactEntries;
      if (deepest > limit) return deepest;
    } else if ((c === ']' || c === '}') && flow > 0) flow -= 1;
    previous = c;
  }
  return deepest;
}

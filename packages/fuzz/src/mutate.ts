import fc from 'fast-check';

/** One edit of a text: replace `remove` units at `at` (taken modulo the length) by `insert`. */
export interface TextEdit {
  at: number;
  remove: number;
  insert: string;
}

/** Tokens that make JSON, CSV, YAML and pattern parsers take unusual paths. */
export const MUTATION_TOKENS = [
  '"',
  "'",
  '\\',
  '\\u',
  '\\ud800',
  '{',
  '}',
  '[',
  ']',
  ',',
  ':',
  '\n',
  '\r',
  '\u0000',
  '\ufeff',
  '\ud800',
  '😀',
  '"__proto__":{"polluted":1},',
  '"constructor":{"prototype":{"polluted":1}},',
  '"type":"constructor",',
  '"type":"__proto__",',
  '"objects":{},',
  '"\\u006fbjects":[],',
  '1e400',
  '-0',
  '99999999999999999999999',
  'null',
  '[[[[[[[[[[',
  ']]]]]]]]]]',
  '&a [*a, *a, *a]',
  '*a',
  '!!js/function',
  '<script>',
  '%',
  '_',
] as const;

/** Applies edits in order; positions wrap, so any edit list applies to any text. */
export function applyEdits(text: string, edits: readonly TextEdit[]): string {
  let out = text;
  for (const { at, remove, insert } of edits) {
    const i = at % (out.length + 1);
    out = out.slice(0, i) + insert + out.slice(i + remove);
  }
  return out;
}

/** Edits that insert hostile tokens, delete spans, duplicate a slice, or truncate. */
export const textEdit: fc.Arbitrary<TextEdit> = fc.oneof(
  fc.record({
    at: fc.nat(),
    remove: fc.nat(3),
    insert: fc.constantFrom(...MUTATION_TOKENS),
  }),
  fc.record({ at: fc.nat(), remove: fc.nat(200), insert: fc.constant('') }),
  fc.record({ at: fc.nat(), remove: fc.constant(0), insert: fc.string({ maxLength: 8 }) }),
);

/** A mutated copy of one of `seeds`: a few edits, sometimes truncated. */
export function mutatedText(seeds: readonly string[], maxEdits = 6): fc.Arbitrary<string> {
  return fc
    .tuple(
      fc.constantFrom(...seeds),
      fc.array(textEdit, { minLength: 1, maxLength: maxEdits }),
      fc.option(fc.nat(), { freq: 5 }),
    )
    .map(([seed, edits, cut]) => {
      const edited = applyEdits(seed, edits);
      return cut === null ? edited : edited.slice(0, cut % (edited.length + 1));
    });
}

/** Flips, deletes or inserts raw bytes of UTF-8 text, so decoders see invalid sequences. */
export function mutatedBytes(seeds: readonly string[]): fc.Arbitrary<Uint8Array> {
  const encoder = new TextEncoder();
  return fc
    .tuple(
      fc.constantFrom(...seeds),
      fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 }), fc.nat(2)), {
        minLength: 1,
        maxLength: 8,
      }),
    )
    .map(([seed, edits]) => {
      let bytes = Array.from(encoder.encode(seed));
      for (const [at, byte, op] of edits) {
        const i = at % (bytes.length + 1);
        if (op === 0) bytes[i] = byte;
        else if (op === 1) bytes.splice(i, 1);
        else bytes = [...bytes.slice(0, i), byte, ...bytes.slice(i)];
      }
      return Uint8Array.from(bytes);
    });
}

/** Cut points for splitting `length` units into chunks: 1-unit, tiny, random or large chunks. */
export const chunking: fc.Arbitrary<{
  kind: 'single' | 'ones' | 'random' | 'fixed';
  size: number;
}> = fc.oneof(
  fc.constant({ kind: 'single' as const, size: 0 }),
  fc.constant({ kind: 'ones' as const, size: 1 }),
  fc.record({ kind: fc.constant('random' as const), size: fc.integer({ min: 1, max: 4096 }) }),
  fc.record({ kind: fc.constant('fixed' as const), size: fc.constantFrom(2, 3, 7, 1024, 65_536) }),
);

/**
 * Splits a text or byte array into chunks per `plan`; `random` uses a small deterministic
 * generator seeded by `size`, so the same plan always gives the same chunks.
 */
export function splitChunks<T extends string | Uint8Array>(
  data: T,
  plan: { kind: 'single' | 'ones' | 'random' | 'fixed'; size: number },
): T[] {
  const length = data.length;
  if (plan.kind === 'single' || length === 0) return [data];
  const chunks: T[] = [];
  let state = plan.size >>> 0 || 1;
  let at = 0;
  while (at < length) {
    let size = plan.size;
    if (plan.kind === 'ones') size = 1;
    else if (plan.kind === 'random') {
      // xorshift32: cheap, seeded, reproducible.
      state ^= state << 13;
      state ^= state >>> 17;
      state ^= state << 5;
      size = 1 + ((state >>> 0) % plan.size);
    }
    chunks.push(data.slice(at, at + size) as T);
    at += size;
  }
  return chunks;
}

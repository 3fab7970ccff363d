import { describe, expect, it } from 'vitest';
import { parseStix, parseStixStream, type StreamedStixObject } from '../src/index';

// Issue 19, fuzz item 3: strings made of many `\u` escapes. The stream scanner looked for
// the closing quote again at each escape, so one long escaped string cost time in the
// square of its escapes (80k surrogate pairs: 4 s; `parseStix`: < 1 ms).

const BUNDLE_ID = 'bundle--6f1e8c2a-4d3b-4a51-9c2e-1f0a9b8c7d6e';

/** A bundle of one identity whose description is `unit` × `count`, written raw in the JSON text. */
function bundleText(unit: string, count: number): string {
  const escapes = unit.repeat(count);
  const identity = `{"type":"identity","spec_version":"2.1","id":"identity--311b2d2d-f010-4473-83ec-1edf84858f4c","created":"2020-01-01T00:00:00.000Z","modified":"2020-01-01T00:00:00.000Z","name":"n\\u00e4me","description":"${escapes}"}`;
  return `{"type":"bundle","id":"${BUNDLE_ID}","x_note":"${unit.repeat(3)}","objects":[${identity}]}`;
}

async function* chunked(bytes: Uint8Array, sizes: readonly number[]): AsyncGenerator<Uint8Array> {
  let offset = 0;
  let k = 0;
  while (offset < bytes.length) {
    const size = sizes[k++ % sizes.length]!;
    yield bytes.slice(offset, offset + size);
    offset += size;
  }
}

async function stream(text: string, sizes: readonly number[]): Promise<StreamedStixObject[]> {
  const out: StreamedStixObject[] = [];
  const bytes = new TextEncoder().encode(text);
  for await (const item of parseStixStream(chunked(bytes, sizes), { allowCustom: true }))
    out.push(item);
  return out;
}

/**
 * Runs `run` while tallying how many characters `String.prototype.indexOf` walks over (from
 * its start position to its answer, or to the end when nothing is found). The scanner skips
 * string contents with `indexOf`, so this is the work the fix bounds, counted exactly
 * rather than timed.
 */
async function indexOfWork(run: () => Promise<unknown>): Promise<number> {
  const original = String.prototype.indexOf;
  let work = 0;
  String.prototype.indexOf = function (this: string, search: string, from?: number) {
    const start = Math.max(0, Math.trunc(from ?? 0));
    const found = original.call(this, search, from);
    work += (found === -1 ? this.length : found) - start;
    return found;
  };
  try {
    await run();
  } finally {
    String.prototype.indexOf = original;
  }
  return work;
}

const SHAPES: Record<string, string> = {
  'surrogate pairs': '\\ud83d\\ude00',
  'control characters': '\\u0001',
  'lone high surrogates': '\\ud800',
  'lone low surrogates': '\\udc00x',
  'escaped quotes and backslashes': '\\"\\\\\\/\\n\\u0022',
};

// Byte chunkings: one chunk, chunks that split every escape at every offset, and a mix.
const CHUNKINGS: readonly (readonly number[])[] = [
  [1 << 30],
  [1],
  [2, 3],
  [5],
  [7, 4096, 1],
  [4096],
];

describe('parseStixStream on strings of many escapes (issue 19)', () => {
  for (const [shape, unit] of Object.entries(SHAPES)) {
    it(`decodes ${shape} as JSON.parse and parseStix do, for any chunking`, async () => {
      const text = bundleText(unit, 500);
      const expected = (JSON.parse(text) as { objects: { description: string }[] }).objects[0]!
        .description;
      const whole = parseStix(text, { allowCustom: true });
      for (const sizes of CHUNKINGS) {
        const streamed = await stream(text, sizes);
        const objects = streamed.flatMap((item) => (item.object ? [item.object] : []));
        expect(objects).toEqual(whole.objects);
        expect(streamed.flatMap((item) => item.issues)).toEqual(whole.issues);
        expect(objects.map((object) => object.description)).toEqual([expected]);
      }
    });
  }

  it('walks each character a bounded number of times, however many escapes a string has', async () => {
    for (const unit of Object.values(SHAPES)) {
      for (const sizes of [[1 << 30], [4096], [3]]) {
        const text = bundleText(unit, sizes[0] === 3 ? 2_000 : 20_000);
        let items: StreamedStixObject[] = [];
        const work = await indexOfWork(async () => {
          items = await stream(text, sizes);
        });
        expect(items.map((item) => [item.object?.type, item.issues])).toEqual([['identity', []]]);
        // Linear: each character is passed by at most the quote and the backslash search,
        // plus slack for other callers. The quadratic scan walked ~escapes × length / 2
        // (here ≥ 10⁹ characters in one chunk).
        expect(work).toBeLessThan(4 * text.length + 100_000);
      }
    }
  });
});

import { readFixture } from '@intelshare/fixtures';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseStix, parseStixStream, type StreamedStixObject } from '../src/index';
import { bundle, file, indicator, malware, relationship } from './support/valid-objects';

async function collect(
  source: AsyncIterable<Uint8Array> | ReadableStream<Uint8Array>,
  options = {},
): Promise<StreamedStixObject[]> {
  const out: StreamedStixObject[] = [];
  for await (const item of parseStixStream(source, options)) out.push(item);
  return out;
}

async function* chunked(bytes: Uint8Array, sizes: readonly number[]): AsyncGenerator<Uint8Array> {
  let offset = 0;
  let k = 0;
  while (offset < bytes.length) {
    const size = Math.max(1, sizes[k++ % sizes.length]!);
    yield bytes.slice(offset, offset + size);
    offset += size;
  }
}

const encode = (text: string) => new TextEncoder().encode(text);

describe('parseStixStream', () => {
  it('yields the same objects and issues as parseStix for the ATT&CK bundles', async () => {
    for (const name of [
      'attack/attack-stix-data/ics-attack-18.1.json',
      'attack/attack-stix-data/mobile-attack-17.1.json',
    ]) {
      const text = readFixture(name);
      const whole = parseStix(text, { allowCustom: true });
      const streamed = await collect(chunked(encode(text), [65_536, 1000, 7]), {
        allowCustom: true,
      });
      expect(streamed.map((item) => item.object)).toEqual(whole.objects);
      expect(streamed.flatMap((item) => item.issues)).toEqual(whole.issues);
      expect(streamed.map((item) => item.index)).toEqual(whole.objects.map((_, i) => i));
    }
  });

  it('works from a web ReadableStream', async () => {
    const stream = new Blob([JSON.stringify(bundle(indicator(), malware()))]).stream();
    const out = await collect(stream);
    expect(out.map((item) => item.object?.type)).toEqual(['indicator', 'malware']);
  });

  it('handles bare arrays, bundle keys after objects, escapes, and multi-byte UTF-8 split across chunks', async () => {
    const tricky = {
      ...indicator(),
      name: 'quote \\" brace } bracket ] \\\\ é 😀 \u2028',
      description: '{"not":"an object"}',
    };
    const bundleText = `{"objects":[${JSON.stringify(tricky)} , ${JSON.stringify(malware())}],"id":"bundle--6f1e8c2a-4d3b-4a51-9c2e-1f0a9b8c7d6e","type":"bundle"}`;
    const arrayText = JSON.stringify([tricky, malware()]);
    for (const text of [bundleText, arrayText]) {
      const out = await collect(chunked(encode(text), [1, 2, 3, 5, 8, 13]));
      expect(out.map((item) => item.object)).toEqual([tricky, malware()]);
    }
  });

  it('any chunking of a bundle gives the same result (property)', async () => {
    const text = JSON.stringify(
      bundle(indicator(), malware(), relationship(), file(), {
        ...indicator(),
        // A different object: the same id and modified with other content is a conflict.
        id: 'indicator--0f1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d',
        name: 'ünïcödé "q" \\ 🧪',
      }),
    );
    const bytes = encode(text);
    const expected = parseStix(text).objects;
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.integer({ min: 1, max: 97 }), { minLength: 1, maxLength: 20 }),
        async (sizes) => {
          const out = await collect(chunked(bytes, sizes));
          expect(out.map((item) => item.object)).toEqual(expected);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('reports invalid objects at their index and goes on', async () => {
    const text = JSON.stringify(
      bundle(indicator(), { ...malware(), is_family: 'no' }, relationship()),
    );
    const out = await collect(chunked(encode(text), [64]));
    expect(
      out.map((item) => [
        item.index,
        item.object?.type,
        item.issues.map((i) => `${i.path}:${i.code}`),
      ]),
    ).toEqual([
      [0, 'indicator', []],
      [1, undefined, ['objects[1].is_family:INVALID_TYPE']],
      [2, 'relationship', []],
    ]);
  });

  it('reports a malformed element and continues with the next one', async () => {
    const text = `{"type":"bundle","id":"bundle--6f1e8c2a-4d3b-4a51-9c2e-1f0a9b8c7d6e","objects":[{"type":"indicator",,},${JSON.stringify(malware())}]}`;
    const out = await collect(chunked(encode(text), [10]));
    expect(out[0]).toMatchObject({
      index: 0,
      object: undefined,
      issues: [{ code: 'INVALID_JSON', path: 'objects[0]' }],
    });
    expect(out[1]!.object).toEqual(malware());
  });

  it.each([
    ['truncated input', '{"type":"bundle","objects":[{"type":"indicator"'],
    ['not JSON at all', 'hello'],
    ['unbalanced brackets', '[{"a":1}}]'],
    ['garbage after the end', '[] x'],
  ])('%s ends with an INVALID_JSON issue, never a throw', async (_name, text) => {
    const out = await collect(chunked(encode(text), [3]));
    expect(out.at(-1)!.issues).toEqual([
      expect.objectContaining({ code: 'INVALID_JSON', severity: 'error' }),
    ]);
  });

  it('reports invalid UTF-8', async () => {
    const out = await collect(chunked(new Uint8Array([0x5b, 0xc3, 0x28, 0x5d]), [4]));
    expect(out).toEqual([
      expect.objectContaining({
        issues: [
          expect.objectContaining({ code: 'INVALID_JSON', message: 'Input is not valid UTF-8.' }),
        ],
      }),
    ]);
  });

  it('upgrades STIX 2.0 objects like parseStix', async () => {
    const text = readFixture('attack/mitre-cti-stix20/pre-attack.json');
    const out = await collect(chunked(encode(text), [4096]), { allowCustom: true });
    // 268 objects, then the top-level notice parseStix gives as well.
    expect(out).toHaveLength(269);
    expect(out.pop()).toEqual({
      index: 268,
      object: undefined,
      issues: [
        {
          severity: 'warning',
          code: 'UPGRADED',
          path: '',
          message: 'Upgraded 268 STIX 2.0 object(s) to 2.1.',
        },
      ],
      topLevel: true,
    });
    expect(
      out.every(
        (item) =>
          item.object?.spec_version === '2.1' &&
          item.issues.every((issue) => issue.severity === 'warning'),
      ),
    ).toBe(true);
  });

  it('rejects a non-stream source with a TypeError', async () => {
    await expect(collect(42 as unknown as ReadableStream<Uint8Array>)).rejects.toThrow(TypeError);
  });
});

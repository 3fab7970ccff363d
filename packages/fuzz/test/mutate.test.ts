import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { escapeKeyInJson, objectFromEntries } from '../src/hostile';
import { applyEdits, chunking, splitChunks } from '../src/mutate';
import { familySeed } from '../src/run-fuzz';

describe('splitChunks', () => {
  it('gives back the same text or bytes when the chunks are joined, for every plan', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 300, unit: 'binary' }), chunking, (text, plan) => {
        expect(splitChunks(text, plan).join('')).toBe(text);
        const bytes = new TextEncoder().encode(text);
        const parts = splitChunks(bytes, plan);
        expect(Buffer.concat(parts).equals(Buffer.from(bytes))).toBe(true);
        if (plan.kind === 'ones' && bytes.length > 0) {
          expect(parts.every((part) => part.length === 1)).toBe(true);
        }
      }),
    );
  });

  it('is reproducible: the same random plan cuts the same places', () => {
    const plan = { kind: 'random', size: 17 } as const;
    const text = 'x'.repeat(1000);
    expect(splitChunks(text, plan).map((c) => c.length)).toEqual(
      splitChunks(text, plan).map((c) => c.length),
    );
  });
});

describe('applyEdits', () => {
  it('wraps positions, so any edit applies to any text', () => {
    // Positions are taken modulo length + 1: 5 % 4 = 1.
    expect(applyEdits('abc', [{ at: 5, remove: 1, insert: 'X' }])).toBe('aXc');
    expect(applyEdits('', [{ at: 99, remove: 5, insert: '"' }])).toBe('"');
  });
});

describe('hostile JSON helpers', () => {
  it('makes `__proto__` an own key that JSON.stringify writes, as JSON.parse would read it', () => {
    const object = objectFromEntries([['__proto__', { polluted: 1 }]]);
    expect(Object.getPrototypeOf(object)).toBe(Object.prototype);
    expect(JSON.stringify(object)).toBe('{"__proto__":{"polluted":1}}');
  });

  it('spells a key with a JSON escape that JSON.parse reads back as the same key', () => {
    const text = escapeKeyInJson('{"objects":[1],"x":{"objects":2}}', 'objects');
    expect(text).toBe('{"\\u006fbjects":[1],"x":{"\\u006fbjects":2}}');
    expect(JSON.parse(text)).toEqual({ objects: [1], x: { objects: 2 } });
  });
});

describe('familySeed', () => {
  it('depends on the seed and on the family, so families are independent and reproducible', () => {
    expect(familySeed(1, 'parseStix', 'a')).toBe(familySeed(1, 'parseStix', 'a'));
    expect(familySeed(1, 'parseStix', 'a')).not.toBe(familySeed(1, 'parseStix', 'b'));
    expect(familySeed(1, 'parseStix', 'a')).not.toBe(familySeed(2, 'parseStix', 'a'));
  });
});

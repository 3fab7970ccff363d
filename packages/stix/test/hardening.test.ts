import { describe, expect, it } from 'vitest';
import { parseStix, parseStixStream, validateStixObject } from '../src/index';
import { bundle, indicator } from './support/valid-objects';

describe('bad input never throws', () => {
  it.each([
    ['empty text', ''],
    ['truncated JSON', '{"type":"bundle","objects":[{"type":'],
    ['trailing garbage', '{"type":"bundle","id":"bundle--6f1e8c2a-4d3b-4a51-9c2e-1f0a9b8c7d6e"} x'],
    ['NaN literal', '[NaN]'],
  ])('%s → INVALID_JSON at the root', (_name, text) => {
    const result = parseStix(text);
    expect(result.valid).toBe(false);
    expect(result.objects).toEqual([]);
    expect(result.issues).toEqual([
      expect.objectContaining({ code: 'INVALID_JSON', path: '', severity: 'error' }),
    ]);
  });

  it.each([
    ['a number', 42],
    ['null', null],
    ['JSON text of a string', '"indicator"'],
    ['a boolean', true],
  ])('%s → INVALID_INPUT', (_name, value) => {
    expect(parseStix(value).issues).toEqual([
      expect.objectContaining({ code: 'INVALID_INPUT', path: '' }),
    ]);
  });

  it('non-object array elements are reported at their index', () => {
    const result = parseStix([1, 'x', null, []]);
    expect(result.issues.map((issue) => [issue.code, issue.path])).toEqual([
      ['INVALID_TYPE', '[0]'],
      ['INVALID_TYPE', '[1]'],
      ['INVALID_TYPE', '[2]'],
      ['INVALID_TYPE', '[3]'],
    ]);
  });

  it('invalid UTF-8 bytes are reported', () => {
    const result = parseStix(new Uint8Array([0x5b, 0xff, 0xfe, 0x5d]));
    expect(result.issues).toEqual([
      expect.objectContaining({ code: 'INVALID_JSON', message: 'Input is not valid UTF-8.' }),
    ]);
  });

  it('UTF-8 bytes with a BOM parse', () => {
    const text = JSON.stringify(bundle(indicator()));
    const bytes = new Uint8Array([0xef, 0xbb, 0xbf, ...new TextEncoder().encode(text)]);
    expect(parseStix(bytes).objects).toHaveLength(1);
  });

  it('a bundle whose objects is not a list', () => {
    expect(
      parseStix({ type: 'bundle', id: 'bundle--6f1e8c2a-4d3b-4a51-9c2e-1f0a9b8c7d6e', objects: {} })
        .issues,
    ).toEqual([expect.objectContaining({ code: 'INVALID_TYPE', path: 'objects' })]);
  });

  it('a bad bundle id', () => {
    expect(parseStix({ type: 'bundle', id: 'bundle-1', objects: [] }).issues).toEqual([
      expect.objectContaining({ code: 'INVALID_ID', path: 'id' }),
    ]);
  });

  it('misuse of the API throws TypeError', () => {
    expect(() => parseStix('[]', { mode: 'loose' as 'strict' })).toThrow(TypeError);
    expect(() => parseStix('[]', { limits: { maxDepth: -1 } })).toThrow(TypeError);
    expect(() => validateStixObject({}, null as unknown as undefined)).toThrow(TypeError);
  });
});

describe('prototype pollution', () => {
  it.each(['__proto__', 'constructor', 'prototype'])(
    'a top-level `%s` key is an error, removed, and pollutes nothing',
    (key) => {
      const text = `{"type":"bundle","id":"bundle--6f1e8c2a-4d3b-4a51-9c2e-1f0a9b8c7d6e","objects":[${JSON.stringify(indicator()).slice(0, -1)},"${key}":{"polluted":true,"toString":1}}]}`;
      const result = parseStix(text, { allowCustom: true, mode: 'lenient' });
      expect(result.issues).toContainEqual(
        expect.objectContaining({
          code: 'FORBIDDEN_KEY',
          path: `objects[0].${key}`,
          severity: 'error',
        }),
      );
      expect(({} as Record<string, unknown>).polluted).toBeUndefined();
      expect(Object.hasOwn(Object.prototype, 'polluted')).toBe(false);
    },
  );

  it('nested hostile keys in known and custom properties are found and removed', () => {
    const object = JSON.parse(
      `${JSON.stringify(indicator()).slice(0, -1)},"external_references":[{"source_name":"a","url":"u","__proto__":{"x":1}}],"x_custom":{"a":[{"constructor":{"prototype":{}}}]},"extensions":{"__proto__":{}}}`,
    ) as Record<string, unknown>;
    const issues = validateStixObject(object, { allowCustom: true });
    expect(
      issues.filter((issue) => issue.code === 'FORBIDDEN_KEY').map((issue) => issue.path),
    ).toEqual([
      'external_references[0].__proto__',
      'x_custom.a[0].constructor',
      'extensions.__proto__',
    ]);
    const refs = object.external_references as Record<string, unknown>[];
    expect(Object.hasOwn(refs[0]!, '__proto__')).toBe(false);
    // Downstream Object.assign can no longer swap the prototype.
    expect(Object.getPrototypeOf(Object.assign({}, refs[0]))).toBe(Object.prototype);
  });

  it('bundle-level hostile keys', () => {
    const result = parseStix(
      '{"type":"bundle","id":"bundle--6f1e8c2a-4d3b-4a51-9c2e-1f0a9b8c7d6e","__proto__":{"polluted":1},"objects":[]}',
    );
    expect(result.issues).toEqual([
      expect.objectContaining({ code: 'FORBIDDEN_KEY', path: '__proto__' }),
    ]);
  });
});

describe('size and depth limits', () => {
  it('a 10 MB string is a LIMIT_EXCEEDED issue at its path', () => {
    const object = { ...indicator(), description: 'A'.repeat(10 * 1024 * 1024) };
    const result = parseStix(JSON.stringify(bundle(object)));
    expect(result.issues).toEqual([
      expect.objectContaining({ code: 'LIMIT_EXCEEDED', path: 'objects[0].description' }),
    ]);
    expect(result.objects).toEqual([]);
  });

  it('a 10 MB custom string is caught too', () => {
    const object = { ...indicator(), x_blob: ['B'.repeat(10 * 1024 * 1024)] };
    const result = parseStix(bundle(object), { allowCustom: true });
    expect(result.issues).toEqual([
      expect.objectContaining({ code: 'LIMIT_EXCEEDED', path: 'objects[0].x_blob[0]' }),
    ]);
  });

  it('deep nesting is cut off at limits.maxDepth without a stack overflow', () => {
    const depth = 200_000;
    const text = `${JSON.stringify(indicator()).slice(0, -1)},"x_deep":${'['.repeat(depth)}${']'.repeat(depth)}}`;
    const result = parseStix(text, { allowCustom: true });
    expect(result.issues).toHaveLength(1);
    expect(result.issues[0]).toMatchObject({ code: 'LIMIT_EXCEEDED' });
    expect(result.issues[0]!.path).toMatch(/^x_deep(\[0\]){64}$/);
  });

  it('input larger than limits.maxBytes is refused before parsing', () => {
    const result = parseStix(JSON.stringify(bundle(indicator())), { limits: { maxBytes: 100 } });
    expect(result.issues).toEqual([expect.objectContaining({ code: 'LIMIT_EXCEEDED', path: '' })]);
  });

  it('streams refuse single objects over limits.maxBytes and go on', async () => {
    const big = { ...indicator(), description: 'x'.repeat(5000) };
    const text = JSON.stringify(bundle(big, indicator()));
    const out = [];
    for await (const item of parseStixStream(toStream(text, 64), { limits: { maxBytes: 2000 } }))
      out.push(item);
    expect(
      out.map((item) => [
        item.index,
        item.object?.type,
        item.issues.map((i) => `${i.path}:${i.code}`),
      ]),
    ).toEqual([
      [0, undefined, ['objects[0]:LIMIT_EXCEEDED']],
      [1, 'indicator', []],
    ]);
  });
});

function toStream(text: string, chunkSize: number): ReadableStream<Uint8Array> {
  const bytes = new TextEncoder().encode(text);
  let offset = 0;
  return new ReadableStream({
    pull(controller) {
      if (offset >= bytes.length) return controller.close();
      controller.enqueue(bytes.slice(offset, offset + chunkSize));
      offset += chunkSize;
    },
  });
}

import { readFixture } from '@intelshare/fixtures';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type ParseStixOptions,
  parseStix,
  parseStixStream,
  type StixIssue,
  type StreamedStixObject,
} from '../src/index';
import { ATTACK_BUNDLES, stix21ContentFiles } from './support/fixture-files';
import { bundle, indicator, malware } from './support/valid-objects';

// parseStixStream and parseStix give the same objects and issues for the same bytes
// (issue 19). What only the whole input can tell — duplicates and extension use across
// objects (BundleChecks) — is parseStix's alone, so those issues are set aside here.
const CROSS_OBJECT = new Set(['DUPLICATE_OBJECT', 'DUPLICATE_CONFLICT', 'INVALID_EXTENSION']);

async function* chunked(bytes: Uint8Array, sizes: readonly number[]): AsyncGenerator<Uint8Array> {
  let offset = 0;
  let k = 0;
  while (offset < bytes.length) {
    const size = Math.max(1, sizes[k++ % sizes.length]!);
    yield bytes.slice(offset, offset + size);
    offset += size;
  }
}

async function stream(
  text: string,
  options: ParseStixOptions,
  sizes: readonly number[] = [4096],
): Promise<StreamedStixObject[]> {
  const out: StreamedStixObject[] = [];
  for await (const item of parseStixStream(chunked(new TextEncoder().encode(text), sizes), options))
    out.push(item);
  return out;
}

const key = (issue: StixIssue) => `${issue.path} ${issue.severity} ${issue.code} ${issue.message}`;
const sorted = (issues: readonly StixIssue[]) => issues.map(key).sort();

/** Asserts parity; returns how many objects were compared. */
async function expectParity(
  text: string,
  options: ParseStixOptions,
  sizes?: readonly number[],
): Promise<number> {
  const whole = parseStix(text, options);
  const streamed = await stream(text, options, sizes);
  const crossObjectErrors = new Set(
    whole.issues
      .filter((issue) => CROSS_OBJECT.has(issue.code) && issue.severity === 'error')
      .map((issue) => issue.path.replace(/\.[^.[]*$/, '')),
  );
  const streamedObjects = streamed
    .filter((item) => !crossObjectErrors.has(`objects[${item.index}]`))
    .flatMap((item) => (item.object === undefined ? [] : [item.object]));
  expect(streamedObjects).toEqual(whole.objects);
  expect(sorted(streamed.flatMap((item) => item.issues))).toEqual(
    sorted(whole.issues.filter((issue) => !CROSS_OBJECT.has(issue.code))),
  );
  return whole.objects.length;
}

describe('parseStixStream and parseStix agree', () => {
  it('on every fixture (OASIS examples, ATT&CK, a STIX 2.0 bundle), strict and lenient', async () => {
    let objects = 0;
    for (const file of [
      ...stix21ContentFiles(),
      ...ATTACK_BUNDLES,
      'attack/mitre-cti-stix20/pre-attack.json',
    ]) {
      const text = readFixture(file);
      objects += await expectParity(text, { allowCustom: true });
      await expectParity(text, { mode: 'lenient' });
    }
    expect(objects).toBeGreaterThan(4000);
  });

  it('when the `objects` key is spelled with JSON escapes', async () => {
    const text = JSON.stringify(bundle(indicator(), malware())).replace(
      '"objects"',
      '"\\u006fbjects"',
    );
    const streamed = await stream(text, {});
    expect(streamed.map((item) => item.object?.type)).toEqual(['indicator', 'malware']);
    await expectParity(text, {});
    await expectParity(text.replace('"\\u006fbjects"', '"obj\\u0065cts"'), {}, [1, 2, 3]);
  });

  it('when `objects` is not a list: an INVALID_TYPE error, as parseStix gives', async () => {
    for (const value of ['{}', '5', '"x"', 'null', 'true', '{"a":[1,2]}']) {
      const text = `{"type":"bundle","id":"bundle--6f1e8c2a-4d3b-4a51-9c2e-1f0a9b8c7d6e","objects":${value}}`;
      const streamed = await stream(text, {});
      expect(streamed).toEqual([
        {
          index: 0,
          object: undefined,
          issues: [
            {
              severity: 'error',
              code: 'INVALID_TYPE',
              path: 'objects',
              message: '`objects` must be a list.',
            },
          ],
          topLevel: true,
        },
      ]);
      await expectParity(text, {});
    }
  });

  it('on bundle-level problems: bad id, custom and forbidden keys, a missing type', async () => {
    const objects = JSON.stringify([indicator()]);
    for (const text of [
      `{"type":"bundle","id":"bundle--nope","objects":${objects}}`,
      `{"objects":${objects},"type":"bundle","id":"bundle--6f1e8c2a-4d3b-4a51-9c2e-1f0a9b8c7d6e","x_custom":1}`,
      `{"type":"bundle","__proto__":{"polluted":1},"id":"bundle--6f1e8c2a-4d3b-4a51-9c2e-1f0a9b8c7d6e","objects":${objects}}`,
      `{"id":"bundle--6f1e8c2a-4d3b-4a51-9c2e-1f0a9b8c7d6e","objects":${objects}}`,
      `{"type":"bundle","id":"bundle--6f1e8c2a-4d3b-4a51-9c2e-1f0a9b8c7d6e","spec_version":"2.1","objects":${objects}}`,
    ]) {
      await expectParity(text, {}, [7]);
      await expectParity(text, { allowCustom: true, mode: 'lenient' }, [3]);
    }
  });

  it('a large bundle property does not stop the stream (only names and small values matter)', async () => {
    const text = `{"type":"bundle","id":"bundle--6f1e8c2a-4d3b-4a51-9c2e-1f0a9b8c7d6e","x_big":"${'a'.repeat(5000)}","objects":${JSON.stringify([malware()])}}`;
    const streamed = await stream(text, { allowCustom: true, limits: { maxBytes: 1000 } });
    expect(streamed).toEqual([{ index: 0, object: malware(), issues: [] }]);
    const strict = await stream(text, { limits: { maxBytes: 1000 } });
    expect(strict.at(-1)?.issues.map((issue) => [issue.code, issue.path])).toEqual([
      ['CUSTOM_PROPERTY', 'x_big'],
    ]);
  });

  it('on one top-level object that is not a bundle', async () => {
    const text = JSON.stringify({ ...indicator(), indicator_types: ['x', 'HOLE'] }).replace(
      '"HOLE"',
      '{"__proto__":{"polluted":1}}',
    );
    const streamed = await stream(text, { mode: 'lenient' });
    expect(streamed).toHaveLength(1);
    expect(streamed[0]?.index).toBe(0);
    // A forbidden key is an error in every mode, so the object is not kept.
    expect(streamed[0]?.object).toBeUndefined();
    expect(streamed[0]?.issues.map((issue) => issue.code)).toContain('FORBIDDEN_KEY');
    await expectParity(text, { mode: 'lenient' });
    await expectParity(JSON.stringify(indicator()), {});
    await expectParity('{"type":"indicator"}', {});
  });

  it('on single-character mutations of a bundle that stay JSON (property)', async () => {
    const base = JSON.stringify(
      bundle(indicator(), malware(), {
        type: 'ipv4-addr',
        spec_version: '2.1',
        id: 'ipv4-addr--ff26c055-6336-5bc5-b98d-13d6226742dd',
        value: '198.51.100.3',
      }),
    );
    const type = (text: string) => (JSON.parse(text) as { type?: unknown }).type;
    await fc.assert(
      fc.asyncProperty(
        fc.nat({ max: base.length - 1 }),
        fc.constantFrom(...'{}[]",:0aZ-\\ _.'.split(''), ''),
        fc.array(fc.integer({ min: 1, max: 300 }), { minLength: 1, maxLength: 4 }),
        fc.constantFrom<ParseStixOptions>({}, { mode: 'lenient', allowCustom: true }),
        async (at, replacement, sizes, options) => {
          const mutated = base.slice(0, at) + replacement + base.slice(at + 1);
          let parsed = true;
          try {
            JSON.parse(mutated);
          } catch {
            parsed = false;
          }
          // Malformed JSON: the stream has already handed out the elements before the break.
          // A top-level `type` that is no longer `bundle`: parseStix reads one object.
          fc.pre(parsed && type(mutated) === 'bundle');
          await expectParity(mutated, options, sizes);
        },
      ),
      { numRuns: 300 },
    );
  });
});

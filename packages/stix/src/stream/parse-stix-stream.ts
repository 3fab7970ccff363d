import type { StixIssue } from '../model/issue';
import { joinPath } from '../model/issue';
import { isPlainObject } from '../model/props';
import type { StixObject } from '../model/schemas';
import { checkBundle, type ParseStixOptions } from '../parse/parse-stix';
import { looksLikeStix20, upgradeObject } from '../parse/upgrade';
import { ValidationContext } from '../validate/context';
import { assertOptions, validateInto } from '../validate/validate-object';
import { BundleScanner, ScanError, type ScannedElement } from './bundle-scanner';

/** One element of a streamed bundle. */
export interface StreamedStixObject {
  /** Position in the `objects` array (or the top-level array). */
  index: number;
  /** The object, when it passed (strict) or could be kept (lenient); undefined otherwise. */
  object: StixObject | undefined;
  /** Issues of this element, with paths such as `objects[3].pattern`. */
  issues: StixIssue[];
  /**
   * Set on the one last element that reports the input's top level rather than an element
   * of `objects`: the bundle's own properties (its `id`, custom or forbidden keys), an
   * `objects` that is not a list, the STIX 2.0 upgrade notice. `object` is undefined there.
   */
  topLevel?: true;
}

/** Options of {@link parseStixStream}; `limits.maxBytes` bounds one object (default 16 MiB). */
export type ParseStixStreamOptions = ParseStixOptions;

const DEFAULT_MAX_OBJECT_BYTES = 16 * 1024 * 1024;

/**
 * Parses a STIX bundle (or a bare array of objects) from a byte stream, one object at a
 * time, in memory bounded by the largest object: multi-GB bundles can be validated
 * without holding them. Malformed input ends the iteration with an `INVALID_JSON` issue;
 * nothing is thrown for bad input.
 *
 * @param source - A `ReadableStream<Uint8Array>` (e.g. `response.body`) or any async iterable of byte chunks.
 * @param options - As for `parseStix`; `limits.maxBytes` caps a single object.
 * @returns An async iterable of `{ index, object, issues }`.
 * @throws {TypeError} When `source` is not a stream or async iterable.
 *
 * @example
 * ```ts
 * import { parseStixStream } from '@intelshare/stix';
 *
 * const bytes = new TextEncoder().encode('{"type":"bundle","id":"bundle--6f1e8c2a-4d3b-4a51-9c2e-1f0a9b8c7d6e","objects":[]}');
 * const stream = new Blob([bytes]).stream();
 * for await (const { index, object, issues } of parseStixStream(stream)) {
 *   if (!object) console.log(index, issues);
 * }
 * ```
 * @see /stix/streaming/
 */
export async function* parseStixStream(
  source: ReadableStream<Uint8Array> | AsyncIterable<Uint8Array>,
  options: ParseStixStreamOptions = {},
): AsyncGenerator<StreamedStixObject, void, undefined> {
  assertOptions(options);
  const iterable = toAsyncIterable(source);
  const maxObjectBytes = options.limits?.maxBytes ?? DEFAULT_MAX_OBJECT_BYTES;
  const upgrade = options.upgrade !== false;
  const scanner = new BundleScanner(maxObjectBytes);
  const decoder = new TextDecoder('utf-8', { fatal: true });
  let next = 0;
  let upgraded = 0;
  let failure: string | undefined;
  const handle = (element: ScannedElement): StreamedStixObject => {
    next = element.index + 1;
    const ctx = new ValidationContext(options);
    const path = joinPath(scanner.kind === 'array' ? '' : 'objects', element.index);
    let object: StixObject | undefined;
    if (element.text === undefined) {
      ctx.fatal(
        'LIMIT_EXCEEDED',
        path,
        null,
        `Object of ${element.size} characters exceeds \`limits.maxBytes\` (${maxObjectBytes}).`,
      );
    } else {
      let value: unknown;
      try {
        value = JSON.parse(element.text);
      } catch (error) {
        ctx.fatal(
          'INVALID_JSON',
          path,
          null,
          `Object is not valid JSON: ${(error as Error).message}`,
        );
      }
      if (value !== undefined) {
        if (
          upgrade &&
          isPlainObject(value) &&
          (scanner.header.get('spec_version') === '"2.0"' || looksLikeStix20(value))
        ) {
          value = upgradeObject(value);
          upgraded++;
        }
        if (validateInto(value, ctx, path)) object = value as StixObject;
      }
    }
    return { index: element.index, object, issues: ctx.issues };
  };
  try {
    for await (const chunk of iterable) {
      if (!(chunk instanceof Uint8Array))
        throw new TypeError('`source` must yield Uint8Array chunks.');
      let text: string;
      try {
        text = decoder.decode(chunk, { stream: true });
      } catch {
        failure = 'Input is not valid UTF-8.';
        break;
      }
      for (const element of scanner.push(text)) yield handle(element);
    }
    if (failure === undefined) {
      for (const element of scanner.push(decoder.decode())) yield handle(element);
      scanner.end();
      const last = finishTopLevel(scanner, options, upgrade, upgraded, next);
      if (last !== undefined) yield last;
    }
  } catch (error) {
    if (error instanceof TypeError) throw error;
    failure =
      error instanceof ScanError
        ? error.message
        : `Input could not be read: ${(error as Error).message}`;
  }
  if (failure !== undefined) {
    yield {
      index: next,
      object: undefined,
      issues: [
        {
          severity: 'error',
          code: 'INVALID_JSON',
          path: scanner.kind === 'bundle' ? 'objects' : '',
          message: failure,
        },
      ],
    };
  }
}

/**
 * What `parseStix` reports about the top level, once the input has ended: the bundle's own
 * properties (`id`, custom properties, forbidden keys), an `objects` that is not a list,
 * the upgrade notice — or, for a top-level object that is not a bundle, that object
 * validated whole (`parseStix` reads it as one STIX object). Yielded as one last element
 * at index `next`, only when there is something to say.
 */
function finishTopLevel(
  scanner: BundleScanner,
  options: ParseStixStreamOptions,
  upgrade: boolean,
  upgraded: number,
  next: number,
): StreamedStixObject | undefined {
  const ctx = new ValidationContext(options);
  let object: StixObject | undefined;
  let single = false;
  let index = next;
  if (scanner.kind === 'bundle') {
    const entries = [...scanner.header];
    // Values past the size bound stand in as `null`: a bundle's own checks need only its
    // property names and its small `type`, `id` and `spec_version`.
    const oversize = entries.some(([, raw]) => raw === undefined);
    {
      // Rebuilt as text and parsed, so values are exactly what JSON.parse of the whole gives.
      const text = `{${entries.map(([key, raw]) => `${JSON.stringify(key)}:${raw ?? 'null'}`).join(',')}}`;
      let value: Record<string, unknown> | undefined;
      try {
        value = JSON.parse(text) as Record<string, unknown>;
      } catch (error) {
        ctx.fatal('INVALID_JSON', '', null, `Input is not valid JSON: ${(error as Error).message}`);
      }
      if (value !== undefined) {
        const bundle =
          value.type === 'bundle' ||
          (value.type === undefined &&
            scanner.sawObjectsArray &&
            typeof value.id === 'string' &&
            value.id.startsWith('bundle--'));
        if (bundle) {
          if (value.type !== 'bundle')
            ctx.warn('MISSING_PROPERTY', '', 'type', 'A bundle needs `type: "bundle"`.');
          checkBundle(value, ctx);
          if (value.objects !== undefined)
            ctx.fatal('INVALID_TYPE', '', 'objects', '`objects` must be a list.');
        } else if (scanner.sawObjectsArray) {
          // Its elements were already read as bundle objects; `parseStix` would have read
          // the whole as one object. Say so rather than pass it over.
          ctx.fatal(
            'INVALID_INPUT',
            '',
            'type',
            'A top-level object with an `objects` list must be a bundle (`"type": "bundle"`); its elements were read as bundle objects.',
          );
        } else {
          index = 0;
          single = true;
          if (oversize) {
            ctx.fatal(
              'LIMIT_EXCEEDED',
              '',
              null,
              'The top-level object exceeds `limits.maxBytes`.',
            );
            return { index, object, issues: ctx.issues };
          }
          let one: unknown = value;
          if (upgrade && looksLikeStix20(value)) {
            one = upgradeObject(value);
            upgraded++;
          }
          if (validateInto(one, ctx, '')) object = one as StixObject;
        }
      }
    }
  }
  if (upgraded > 0)
    ctx.warn('UPGRADED', '', null, `Upgraded ${upgraded} STIX 2.0 object(s) to 2.1.`);
  if (!single && ctx.issues.length === 0) return undefined;
  // One top-level STIX object is an element like any other; the rest is about the top level.
  return single
    ? { index, object, issues: ctx.issues }
    : { index, object, issues: ctx.issues, topLevel: true };
}

function toAsyncIterable(source: unknown): AsyncIterable<Uint8Array> {
  if (typeof source === 'object' && source !== null) {
    if (Symbol.asyncIterator in source) return source as AsyncIterable<Uint8Array>;
    if (typeof (source as ReadableStream).getReader === 'function')
      return readStream(source as ReadableStream<Uint8Array>);
  }
  throw new TypeError('`source` must be a ReadableStream or an async iterable of Uint8Array.');
}

async function* readStream(stream: ReadableStream<Uint8Array>): AsyncGenerator<Uint8Array> {
  const reader = stream.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      yield value;
    }
  } finally {
    reader.releaseLock();
  }
}

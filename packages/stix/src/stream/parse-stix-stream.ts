import type { StixIssue } from '../model/issue';
import { joinPath } from '../model/issue';
import { isPlainObject } from '../model/props';
import type { StixObject } from '../model/schemas';
import type { ParseStixOptions } from '../parse/parse-stix';
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
          (scanner.header.spec_version === '"2.0"' || looksLikeStix20(value))
        ) {
          value = upgradeObject(value);
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

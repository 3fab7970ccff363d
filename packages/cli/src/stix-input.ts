import {
  type ParseStixResult,
  parseStix,
  parseStixStream,
  type StreamedStixObject,
} from '@intelshare/stix';
import type { Input } from './input';

/** Inputs up to this size are parsed whole (cross-object checks); bigger ones stream. */
export const WHOLE_PARSE_LIMIT = 64 * 1024 * 1024;

/** How a STIX input was read: parsed whole, or streamed object by object. */
export type StixReading =
  | {
      kind: 'whole';
      result: ParseStixResult;
      /** How many objects the input holds (valid or not). */
      count: number;
      /** The elements as parsed from JSON, before validation (for commands such as `id`). */
      raw: unknown[];
    }
  | { kind: 'stream'; elements: AsyncIterable<StreamedStixObject> };

export interface StixReadOptions {
  mode: 'strict' | 'lenient';
  allowCustom: boolean;
}

/**
 * Reads STIX from a file or stdin. Up to {@link WHOLE_PARSE_LIMIT} bytes are buffered and
 * parsed with `parseStix` (so bundle-level rules such as duplicate ids are checked); past
 * that the buffered bytes and the rest are handed to `parseStixStream`, so a multi-GB
 * bundle is validated in memory bounded by its largest object.
 */
export async function readStix(
  input: Input,
  options: StixReadOptions,
  wholeLimit = WHOLE_PARSE_LIMIT,
): Promise<StixReading> {
  const iterator = input.chunks()[Symbol.asyncIterator]();
  const buffered: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const step = await iterator.next();
    if (step.done) break;
    buffered.push(step.value);
    size += step.value.byteLength;
    if (size > wholeLimit) {
      return {
        kind: 'stream',
        elements: parseStixStream(replay(buffered, iterator), options),
      };
    }
  }
  const bytes = Buffer.concat(buffered, size);
  let text: string | undefined;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    text = undefined;
  }
  let value: unknown;
  let parsed = false;
  if (text !== undefined) {
    try {
      value = JSON.parse(text);
      parsed = true;
    } catch {
      parsed = false;
    }
  }
  // parseStix words the JSON and UTF-8 failures itself, so hand it the bytes in that case.
  const result = parseStix(parsed ? value : bytes, options);
  if (size === 0) {
    // "Unexpected end of JSON input" is true but unhelpful when nothing arrived at all.
    result.issues = [
      {
        severity: 'error',
        code: 'INVALID_JSON',
        path: '',
        message: `\`${input.label}\` is empty.`,
      },
    ];
  }
  const raw = parsed ? elementsOf(value) : [];
  return { kind: 'whole', result, count: raw.length, raw };
}

/** The objects of a bundle, a bare array, or a single object, as they appear in the input. */
function elementsOf(value: unknown): unknown[] {
  if (Array.isArray(value)) return value;
  if (typeof value === 'object' && value !== null) {
    const record = value as Record<string, unknown>;
    if (record.type === 'bundle' || (record.type === undefined && Array.isArray(record.objects))) {
      return Array.isArray(record.objects) ? record.objects : [];
    }
    return [value];
  }
  return [];
}

async function* replay(
  head: readonly Uint8Array[],
  rest: AsyncIterator<Uint8Array>,
): AsyncGenerator<Uint8Array> {
  for (const chunk of head) yield chunk;
  for (;;) {
    const step = await rest.next();
    if (step.done) return;
    yield step.value;
  }
}

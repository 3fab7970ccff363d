import { open } from 'node:fs/promises';
import type { Context } from './context';
import { invalidInputError, ioError } from './errors/cli-error';

/** A file named on the command line, or stdin when the name is `-`. */
export interface Input {
  /** How messages name it: the path as given, or `stdin`. */
  readonly label: string;
  /** The bytes, in chunks, read lazily so big files stream in bounded memory. */
  chunks(): AsyncIterable<Uint8Array>;
}

const SYSTEM_ERRORS: Record<string, string> = {
  ENOENT: 'no such file',
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  EISDIR: 'it is a directory',
  ENOTDIR: 'a parent is not a directory',
  EMFILE: 'too many open files',
  ELOOP: 'too many symbolic links',
  ENAMETOOLONG: 'the name is too long',
  ENOSPC: 'no space left on the device',
  EADDRINUSE: 'address already in use',
  EADDRNOTAVAIL: 'address not available',
  ECONNREFUSED: 'connection refused',
};

/** Turns a Node system error into the end of a one-sentence message. */
export function describeSystemError(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === 'string' && code in SYSTEM_ERRORS) return SYSTEM_ERRORS[code]!;
  return error instanceof Error ? error.message.replace(/\.$/, '') : String(error);
}

/**
 * Opens a command-line input. The file is opened (not read) here so a missing or
 * unreadable file fails before any output, with exit code 3.
 */
export async function openInput(path: string, ctx: Context): Promise<Input> {
  if (path === '-') {
    return { label: 'stdin', chunks: () => guardReads('stdin', ctx.stdin()) };
  }
  let handle: Awaited<ReturnType<typeof open>>;
  try {
    handle = await open(path, 'r');
  } catch (error) {
    throw ioError(`cannot read \`${path}\`: ${describeSystemError(error)}`, error);
  }
  try {
    const info = await handle.stat();
    if (info.isDirectory()) throw ioError(`cannot read \`${path}\`: it is a directory`);
  } catch (error) {
    await handle.close();
    throw error;
  }
  let used = false;
  return {
    label: path,
    chunks: () => {
      if (used) throw new TypeError(`input \`${path}\` was already read`);
      used = true;
      return guardReads(path, handle.createReadStream({ highWaterMark: 1 << 20 }));
    },
  };
}

/** Re-throws read failures in the middle of a stream as I/O errors naming the input. */
async function* guardReads(
  label: string,
  source: AsyncIterable<Uint8Array | string>,
): AsyncGenerator<Uint8Array> {
  const encoder = new TextEncoder();
  const iterator = source[Symbol.asyncIterator]();
  while (true) {
    let step: IteratorResult<Uint8Array | string>;
    try {
      step = await iterator.next();
    } catch (error) {
      throw ioError(`reading \`${label}\` failed: ${describeSystemError(error)}`, error);
    }
    if (step.done) return;
    yield typeof step.value === 'string' ? encoder.encode(step.value) : step.value;
  }
}

/** Adapts an input's chunks to a web `ReadableStream`, for APIs that take one. */
export function toWebStream(chunks: AsyncIterable<Uint8Array>): ReadableStream<Uint8Array> {
  const iterator = chunks[Symbol.asyncIterator]();
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      const step = await iterator.next();
      if (step.done) controller.close();
      else controller.enqueue(step.value);
    },
    async cancel() {
      await iterator.return?.();
    },
  });
}

/**
 * Reads a whole input as UTF-8 text, for inputs that are small by nature (agreements,
 * patterns, configs). Refuses more than `maxBytes`, empty input and bytes that are not UTF-8.
 */
export async function readText(input: Input, maxBytes: number): Promise<string> {
  const parts: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of input.chunks()) {
    size += chunk.byteLength;
    if (size > maxBytes) {
      throw invalidInputError(
        `\`${input.label}\` is larger than ${formatBytes(maxBytes)}, the limit for this input`,
      );
    }
    parts.push(chunk);
  }
  if (size === 0) throw invalidInputError(`\`${input.label}\` is empty`);
  const bytes = Buffer.concat(parts, size);
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch {
    throw invalidInputError(`\`${input.label}\` is not UTF-8 text (is it a binary file?)`);
  }
}

/** Formats a byte count for messages: `512 B`, `64 MiB`. */
export function formatBytes(bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${Number.isInteger(value) ? value : value.toFixed(1)} ${units[unit]}`;
}

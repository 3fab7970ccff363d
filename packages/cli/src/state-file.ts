import { randomUUID } from 'node:crypto';
import { readFile, rename, unlink, writeFile } from 'node:fs/promises';
import { invalidInputError, ioError } from './errors/cli-error';
import { describeSystemError } from './input';

/** Reads a JSON state file; `undefined` when it does not exist yet. */
export async function readStateFile(path: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as { code?: unknown }).code === 'ENOENT') return undefined;
    throw ioError(`cannot read the state file \`${path}\`: ${describeSystemError(error)}`, error);
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw invalidInputError(`the state file \`${path}\` is not valid JSON`, error);
  }
}

/**
 * Replaces a JSON state file atomically (write a sibling, then rename), so a crash in
 * the middle never leaves a half-written state behind.
 */
export async function writeStateFile(path: string, value: unknown): Promise<void> {
  const temporary = `${path}.${randomUUID()}.tmp`;
  try {
    await writeFile(temporary, `${JSON.stringify(value, null, 2)}\n`, { mode: 0o600 });
    await rename(temporary, path);
  } catch (error) {
    await unlink(temporary).catch(() => {});
    throw ioError(`cannot write the state file \`${path}\`: ${describeSystemError(error)}`, error);
  }
}

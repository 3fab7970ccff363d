import { randomUUID } from 'node:crypto';
import { type FileHandle, open, rename, stat } from 'node:fs/promises';
import { type TaxiiCursor, TaxiiIncompleteError } from '@intelshare/feeds';
import { HELP_OPTION, integerOption, JSON_OPTION, parseCommandArgs } from '../../args';
import { printHelpIfAsked } from '../../command';
import type { Context } from '../../context';
import { invalidInputError, ioError, usageError } from '../../errors/cli-error';
import { EXIT_CODES, type ExitCode } from '../../exit-codes';
import { describeSystemError } from '../../input';
import { printJson } from '../../output';
import { createProgress } from '../../progress';
import { readStateFile, writeStateFile } from '../../state-file';
import { TAXII_AUTH_OPTIONS } from '../../taxii-auth';
import { CONNECTION_HELP, createClient, parseServerUrl, resolveApiRoot } from './taxii-target';

const HELP = `Usage: intelshare taxii pull URL --collection ID [--out FILE] [options]

Pulls every object of a TAXII 2.1 collection, across pages, into one STIX 2.1 bundle.
URL is the API root, or the server (its default API root is then used).

Options:
  -c, --collection ID    The collection to read (required).
  -o, --out FILE         Where to write the bundle (default: stdout).
      --state FILE       Resume state: a crashed pull restarts where it stopped, and a
                         finished one makes the next run fetch only what is new.
      --limit N          Page size to ask the server for.
      --added-after T    Only objects added after this RFC 3339 timestamp.
      --type TYPE        Only objects of this STIX type; repeatable.
      --json             Print {"objects": N, "pages": N, "complete": true|false} when done
                         (needs --out).
      --no-progress      No live counter on stderr (it only shows on a terminal).
      --allow-custom     Accepted for symmetry; pulled objects are kept exactly as sent.
${CONNECTION_HELP}
  -h, --help             Print this help.

Example:
  intelshare taxii pull https://taxii.example.org/api1/ --collection 91a7b528-80eb-42ed-a74d-c6fbd5a26116 \\
    --token "$TOKEN" --out partner.json --state partner.state.json

When the server's paging cannot be followed to the end of the collection (a loop, \`more\`
with no way on, a token it no longer accepts), the pull stops with exit code 3 and says so
on stderr. What was pulled is kept: in OUT.part with --out (OUT only ever holds a complete
pull; run again with --state to continue), or as a closed bundle on stdout.
`;

/** What `--state` remembers between runs (plain JSON, written atomically). */
interface PullState {
  v: 1;
  apiRoot: string;
  collection: string;
  /** Where the feeds client should continue from. */
  cursor?: TaxiiCursor;
  /** A bundle being written when the last run stopped. */
  partial?: {
    file: string;
    bytes: number;
    objects: number;
    pages: number;
    bundleId: string;
    /** The cursor the interrupted run started from, to start over if its file is gone. */
    startCursor?: TaxiiCursor;
  };
}

const TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

export async function taxiiPull(argv: readonly string[], ctx: Context): Promise<ExitCode> {
  const { values, positionals } = parseCommandArgs('taxii pull', argv, {
    ...HELP_OPTION,
    ...JSON_OPTION,
    ...TAXII_AUTH_OPTIONS,
    timeout: { type: 'string' },
    collection: { type: 'string', short: 'c' },
    out: { type: 'string', short: 'o' },
    state: { type: 'string' },
    limit: { type: 'string' },
    'added-after': { type: 'string' },
    type: { type: 'string', multiple: true },
    'no-progress': { type: 'boolean' },
    'allow-custom': { type: 'boolean' },
  });
  if (await printHelpIfAsked(values, HELP, ctx)) return EXIT_CODES.ok;
  if (positionals.length > 1) throw usageError('`intelshare taxii pull` takes one URL');
  const url = parseServerUrl('taxii pull', positionals[0]);
  const collection = values.collection;
  if (collection === undefined || collection === '') {
    throw usageError(
      '`--collection ID` is required; list them with `intelshare taxii collections`',
    );
  }
  const out = values.out ?? '-';
  if (values.state !== undefined && out === '-') {
    throw usageError('`--state` needs `--out FILE`, so an interrupted bundle can be resumed');
  }
  if (values.json && out === '-') {
    throw usageError('`--json` prints a summary, so write the bundle to a file with `--out FILE`');
  }
  const limit = integerOption('limit', values.limit, { min: 1, max: 1_000_000 });
  const addedAfter = values['added-after'];
  if (
    addedAfter !== undefined &&
    !(TIMESTAMP.test(addedAfter) && !Number.isNaN(Date.parse(addedAfter)))
  ) {
    throw usageError(`\`--added-after\` must be an RFC 3339 timestamp, got \`${addedAfter}\``);
  }
  for (const type of values.type ?? []) {
    if (!/^[a-z0-9][a-z0-9-]*$/.test(type))
      throw usageError(`\`--type\` \`${type}\` is not a STIX type`);
  }

  const client = createClient(url, values, ctx);
  const apiRoot = await resolveApiRoot(client, url);
  const statePath = values.state;
  const previous =
    statePath === undefined ? undefined : await loadState(statePath, apiRoot, collection);

  const sink = out === '-' ? stdoutSink(ctx) : await fileSink(out, previous?.partial);
  let objects = sink.resumed?.objects ?? 0;
  let pages = sink.resumed?.pages ?? 0;
  const bundleId = sink.resumed?.bundleId ?? `bundle--${randomUUID()}`;
  if (!sink.resumed) await sink.write(`{"type":"bundle","id":"${bundleId}","objects":[`);
  const progress = createProgress(ctx, 'pulled', values['no-progress'] !== true);

  const filters: { addedAfter?: string; match?: { type: string[] } } = {};
  if (addedAfter !== undefined) filters.addedAfter = addedAfter;
  if (values.type !== undefined) filters.match = { type: values.type };
  // Continue an interrupted bundle from its last page; otherwise start where the last
  // finished run ended (or where the lost partial run started).
  const cursor = sink.resumed
    ? previous?.cursor
    : previous?.partial
      ? previous.partial.startCursor
      : previous?.cursor;
  const stream = client.objects(apiRoot, collection, {
    filters,
    ...(limit !== undefined ? { limit } : {}),
    ...(cursor ? { cursor } : {}),
    ...(ctx.signal ? { signal: ctx.signal } : {}),
    onEvent: (event) => {
      if (event.type === 'page') {
        pages += 1;
        progress.update({ objects, pages });
      }
    },
    onCursor: async (next) => {
      if (statePath === undefined || sink.file === undefined) return;
      // The page's objects are on disk before the state says so: a crash between the two
      // re-fetches that page rather than losing it.
      const bytes = await sink.flush();
      await writeStateFile(statePath, {
        v: 1,
        apiRoot,
        collection,
        cursor: next,
        partial: {
          file: sink.file,
          bytes,
          objects,
          pages,
          bundleId,
          ...(cursor ? { startCursor: cursor } : {}),
        },
      } satisfies PullState);
    },
  });

  let incomplete: TaxiiIncompleteError | undefined;
  try {
    for await (const page of stream.pages()) {
      let chunk = '';
      for (const object of page) {
        chunk += `${objects === 0 ? '\n' : ',\n'}${JSON.stringify(object)}`;
        objects += 1;
      }
      await sink.write(chunk);
      progress.update({ objects, pages });
    }
  } catch (error) {
    if (!(error instanceof TaxiiIncompleteError)) {
      await sink.abort();
      throw error;
    }
    incomplete = error;
  } finally {
    await progress.done();
  }
  if (incomplete)
    return reportIncomplete(incomplete, ctx, {
      out,
      sink,
      objects,
      pages,
      json: values.json === true,
      statePath,
    });
  await sink.write(`${objects === 0 ? '' : '\n'}]}\n`);
  await sink.finish();
  if (statePath !== undefined) {
    await writeStateFile(statePath, {
      v: 1,
      apiRoot,
      collection,
      cursor: stream.cursor,
    } satisfies PullState);
  }
  if (values.json) await printJson(ctx, { objects, pages, complete: true });
  else if (out !== '-') {
    await ctx.err(
      `Pulled ${objects} object${objects === 1 ? '' : 's'} in ${pages} page${pages === 1 ? '' : 's'} into ${out}\n`,
    );
  }
  return EXIT_CODES.ok;
}

/**
 * A pull the server's paging would not let finish: keep everything written (the state file
 * already points after the last page delivered), say so on stderr and exit 3, so a script
 * can never take it for a complete pull.
 */
async function reportIncomplete(
  error: TaxiiIncompleteError,
  ctx: Context,
  run: {
    out: string;
    sink: Sink;
    objects: number;
    pages: number;
    json: boolean;
    statePath: string | undefined;
  },
): Promise<ExitCode> {
  const { out, sink, objects, pages } = run;
  let kept: string;
  if (sink.file === undefined) {
    // stdout: close the bundle, so what was pulled is still one valid bundle.
    await sink.write(`${objects === 0 ? '' : '\n'}]}\n`);
    kept = 'written to stdout';
  } else {
    await sink.abort();
    kept = `kept in ${sink.file}`;
  }
  const resume =
    run.statePath === undefined
      ? 'Run again with `--state FILE` to be able to resume.'
      : `Run the same command again to resume from ${run.statePath}.`;
  await ctx.err(
    `intelshare taxii pull: incomplete: ${objects} object${objects === 1 ? '' : 's'} in ${pages} page${pages === 1 ? '' : 's'} ${kept} (${out === '-' ? 'stdout' : out} is not a complete collection). ${error.message} ${resume}\n`,
  );
  if (run.json) await printJson(ctx, { objects, pages, complete: false, reason: error.reason });
  return EXIT_CODES.io;
}

async function loadState(
  path: string,
  apiRoot: string,
  collection: string,
): Promise<PullState | undefined> {
  const raw = await readStateFile(path);
  if (raw === undefined) return undefined;
  const state = raw as Partial<PullState> | null;
  if (
    typeof state !== 'object' ||
    state === null ||
    state.v !== 1 ||
    typeof state.apiRoot !== 'string' ||
    typeof state.collection !== 'string'
  ) {
    throw invalidInputError(
      `the state file \`${path}\` was not written by \`intelshare taxii pull\``,
    );
  }
  if (state.apiRoot !== apiRoot || state.collection !== collection) {
    throw usageError(
      `the state file \`${path}\` belongs to collection ${state.collection} at ${state.apiRoot}; use another file for this collection`,
    );
  }
  return state as PullState;
}

interface Sink {
  /** The partial file being written, when writing to a file. */
  file: string | undefined;
  /** Where an interrupted run stopped, when it is being continued. */
  resumed: { objects: number; pages: number; bundleId: string } | undefined;
  write(text: string): Promise<void>;
  /** Makes what was written durable; returns the file's size. */
  flush(): Promise<number>;
  finish(): Promise<void>;
  /** Closes the file after a failure, leaving `.part` for `--state` to resume. */
  abort(): Promise<void>;
}

function stdoutSink(ctx: Context): Sink {
  return {
    file: undefined,
    resumed: undefined,
    write: (text) => ctx.out(text),
    flush: async () => 0,
    finish: async () => {},
    abort: async () => {},
  };
}

/**
 * Writes `OUT.part` and renames it to OUT when complete, so OUT is never a half bundle.
 * An interrupted `.part` is cut back to the last page the state file vouches for.
 */
async function fileSink(out: string, partial: PullState['partial']): Promise<Sink> {
  const file = `${out}.part`;
  let handle: FileHandle;
  let position = 0;
  let resumed: Sink['resumed'];
  try {
    const existing = partial?.file === file ? await stat(file).catch(() => undefined) : undefined;
    if (partial && existing && existing.size >= partial.bytes) {
      handle = await open(file, 'r+');
      await handle.truncate(partial.bytes);
      position = partial.bytes;
      resumed = { objects: partial.objects, pages: partial.pages, bundleId: partial.bundleId };
    } else {
      handle = await open(file, 'w');
    }
  } catch (error) {
    throw ioError(`cannot write \`${file}\`: ${describeSystemError(error)}`, error);
  }
  const encoder = new TextEncoder();
  const guard = async <T>(action: () => Promise<T>): Promise<T> => {
    try {
      return await action();
    } catch (error) {
      throw ioError(`cannot write \`${file}\`: ${describeSystemError(error)}`, error);
    }
  };
  return {
    file,
    resumed,
    write: (text) =>
      guard(async () => {
        const bytes = encoder.encode(text);
        let offset = 0;
        while (offset < bytes.length) {
          const { bytesWritten } = await handle.write(
            bytes,
            offset,
            bytes.length - offset,
            position,
          );
          offset += bytesWritten;
          position += bytesWritten;
        }
      }),
    flush: () =>
      guard(async () => {
        await handle.datasync();
        return position;
      }),
    finish: () =>
      guard(async () => {
        await handle.datasync();
        await handle.close();
        await rename(file, out);
      }),
    abort: async () => {
      await handle.close().catch(() => {});
    },
  };
}

import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { recipientSchema } from '@intelshare/policy';
import { isMap, isSeq, LineCounter, type Node, parseDocument } from 'yaml';
import { z } from 'zod';

const id = z
  .string()
  .regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'use lower-case letters, digits and `-` (at most 63)');

const envName = z
  .string()
  .regex(/^[A-Z_][A-Z0-9_]*$/, 'an environment variable name such as `HUB_DATABASE_URL`');

/** Every source polls on its own schedule; the URL may use `{demo}` for the demo server. */
const sourceBase = {
  id,
  title: z.string().min(1).max(200),
  url: z.string().min(1).max(2000),
  intervalSeconds: z
    .number()
    .int()
    .min(1)
    .max(86_400 * 7),
  /** Sent as `Authorization: Bearer …`; read from this environment variable, never from the file. */
  tokenEnv: z
    .string()
    .regex(/^[A-Z_][A-Z0-9_]*$/)
    .optional(),
};

const sourceSchema = z.discriminatedUnion('kind', [
  z.strictObject({
    ...sourceBase,
    kind: z.literal('taxii'),
    /** The API root URL (TAXII 2.1 §4.2). */
    apiRoot: z.string().min(1).max(2000),
    collection: z.string().min(1).max(200),
  }),
  z.strictObject({ ...sourceBase, kind: z.literal('misp-feed') }),
  z.strictObject({
    ...sourceBase,
    kind: z.literal('csv'),
    /** A mapping shipped by `@intelshare/feeds`. */
    preset: z.enum(['urlhaus', 'feodo', 'threatfox', 'spamhaus-drop', 'openphish']),
  }),
]);

const partnerSchema = z.strictObject({
  id,
  name: z.string().min(1).max(200),
  /** `builtin:<name>` for an agreement shipped with `@intelshare/policy`, or a YAML/JSON file path. */
  agreement: z.string().min(1).max(1000),
  recipient: recipientSchema,
});

/** The hub's configuration file (YAML). */
export const hubConfigSchema = z
  .strictObject({
    listen: z
      .strictObject({
        host: z.string().min(1).default('127.0.0.1'),
        port: z.number().int().min(0).max(65_535).default(4321),
        /** The origin browsers use behind a TLS reverse proxy, e.g. `https://hub.example.org`. */
        publicOrigin: z
          .string()
          .regex(
            /^https?:\/\/[A-Za-z0-9.-]+(:\d{1,5})?$/,
            'an origin such as `https://hub.example.org` (no path)',
          )
          .optional(),
      })
      .default({ host: '127.0.0.1', port: 4321 }),
    storage: z
      .strictObject({
        /** SQLite database file; created on first start. */
        sqlite: z.string().min(1).optional(),
        /** A PostgreSQL database shared by every instance; the schema is created on first start. */
        postgres: z
          .strictObject({
            /** A `postgres://` URL, or `${NAME}` to read it from the environment variable NAME. */
            url: z.string().min(1).max(2000).optional(),
            /** The environment variable holding the URL (keeps a password out of the file). */
            urlEnv: envName.optional(),
          })
          .refine((pg) => (pg.url === undefined) !== (pg.urlEnv === undefined), {
            message: 'give exactly one of `url` and `urlEnv`',
          })
          .optional(),
      })
      .refine((storage) => (storage.sqlite === undefined) !== (storage.postgres === undefined), {
        message: 'give exactly one of `sqlite` (a file) and `postgres` (a database)',
      }),
    admin: z.strictObject({ username: z.string().min(1).max(100) }).default({ username: 'admin' }),
    demo: z
      .strictObject({
        enabled: z.boolean().default(true),
        generatorIntervalSeconds: z.number().min(0.1).max(3600).default(5),
      })
      .default({ enabled: true, generatorIntervalSeconds: 5 }),
    sources: z.array(sourceSchema).max(1000).default([]),
    partners: z.array(partnerSchema).max(1000).default([]),
  })
  .superRefine((config, context) => {
    for (const key of ['sources', 'partners'] as const) {
      const seen = new Set<string>();
      config[key].forEach((entry, index) => {
        if (seen.has(entry.id))
          context.addIssue({
            code: 'custom',
            path: [key, index, 'id'],
            message: `\`${entry.id}\` is used twice`,
          });
        seen.add(entry.id);
      });
    }
  });

export type HubConfig = z.output<typeof hubConfigSchema>;
export type SourceConfig = HubConfig['sources'][number];
export type PartnerConfig = HubConfig['partners'][number];

/** A configuration problem, located by line and property path. */
export interface ConfigIssue {
  /** e.g. `sources[1].url` */
  path: string;
  /** 1-based line in the file, when known. */
  line?: number;
  message: string;
}

/** The configuration file is not valid; `issues` says where and why. */
export class HubConfigError extends Error {
  readonly issues: readonly ConfigIssue[];
  constructor(file: string, issues: readonly ConfigIssue[]) {
    super(
      `${file}: invalid configuration\n${issues
        .map(
          (issue) =>
            `  ${issue.line ? `line ${issue.line}: ` : ''}${issue.path || '(root)'}: ${issue.message}`,
        )
        .join('\n')}`,
    );
    this.name = 'HubConfigError';
    this.issues = issues;
  }
}

function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const part of path) {
    out += typeof part === 'number' ? `[${part}]` : out ? `.${String(part)}` : String(part);
  }
  return out;
}

/** The deepest YAML node along `path` (the nearest existing ancestor when the key is missing). */
function nodeAt(root: unknown, path: readonly PropertyKey[]): Node | undefined {
  let node = root as Node | undefined;
  for (const part of path) {
    let child: unknown;
    if (isMap(node)) child = node.get(part as string, true);
    else if (isSeq(node) && typeof part === 'number') child = node.get(part, true);
    if (!child || typeof child !== 'object') return node;
    node = child as Node;
  }
  return node;
}

/**
 * Parses and validates the hub configuration from YAML text. Relative paths are resolved
 * against `baseDir`.
 *
 * @throws {HubConfigError} naming the line and path of every problem.
 */
export function parseHubConfig(text: string, file: string, baseDir: string): HubConfig {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length > 0) {
    throw new HubConfigError(
      file,
      doc.errors.map((error) => {
        const line = lineCounter.linePos(error.pos[0]).line;
        return {
          path: '',
          ...(line === undefined ? {} : { line }),
          message: error.message.split('\n')[0] ?? 'YAML syntax error',
        };
      }),
    );
  }
  const result = hubConfigSchema.safeParse(doc.toJS({ maxAliasCount: 100 }) ?? {});
  if (!result.success) {
    throw new HubConfigError(
      file,
      result.error.issues.map((issue) => {
        const node = nodeAt(doc.contents, issue.path);
        const offset = node?.range?.[0];
        return {
          path: formatPath(issue.path),
          ...(offset === undefined ? {} : { line: lineCounter.linePos(offset).line }),
          message: issue.message,
        };
      }),
    );
  }
  const config = result.data;
  if (config.storage.sqlite !== undefined)
    config.storage.sqlite = resolve(baseDir, config.storage.sqlite);
  const postgres = config.storage.postgres;
  if (postgres) {
    // `${NAME}` or `urlEnv`: the URL (and any password in it) comes from the environment.
    const fromEnv = postgres.urlEnv ?? /^\$\{([A-Z_][A-Z0-9_]*)\}$/.exec(postgres.url ?? '')?.[1];
    const key = postgres.urlEnv !== undefined ? 'urlEnv' : 'url';
    const url = fromEnv === undefined ? postgres.url : process.env[fromEnv];
    const issue = (message: string): never => {
      const path = ['storage', 'postgres', key];
      const offset = nodeAt(doc.contents, path)?.range?.[0];
      throw new HubConfigError(file, [
        {
          path: formatPath(path),
          ...(offset === undefined ? {} : { line: lineCounter.linePos(offset).line }),
          message,
        },
      ]);
    };
    if (!url) issue(`the environment variable \`${fromEnv}\` is not set`);
    // Never echo the URL: it may carry a password.
    if (!/^postgres(ql)?:\/\//.test(url!))
      issue(
        `not a PostgreSQL URL (it must start with \`postgres://\`${fromEnv ? `; read from \`${fromEnv}\`` : ''})`,
      );
    config.storage.postgres = { url: url! };
  }
  return config;
}

/** Reads and validates a configuration file. */
export function loadHubConfig(file: string): HubConfig {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new HubConfigError(file, [
      {
        path: '',
        message: `cannot read the file (${(error as NodeJS.ErrnoException).code ?? error})`,
      },
    ]);
  }
  return parseHubConfig(text, file, dirname(file));
}

import { type AuditLog, parseAgreement, type Recipient } from '@intelshare/policy';
import { IntelshareError } from '@intelshare/stix';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import type { RateLimitStore } from '../limits/rate-limit-store';
import type { TaxiiStorage } from '../storage/taxii-storage';
import { policyView } from '../views/policy-view';
import {
  authSchema,
  type CollectionView,
  collectionBaseSchema,
  limitsSchema,
  type TaxiiServerConfig,
} from './server-config';

/** A view as a config file declares it: an agreement (by name) applied for a recipient. */
export const viewFileSchema = z.strictObject({
  /** Storage collection projected. */
  source: z.string().min(1),
  /** Key into the file's `agreements`. */
  agreement: z.string().min(1),
  /** The recipient: its STIX `identity--…` id, or a full `@intelshare/policy` recipient. */
  recipient: z.union([z.string().min(1), z.record(z.string(), z.unknown())]),
});

/**
 * The schema of a `taxii.yaml`/`taxii.json` file read by `intelshare serve --config`; the
 * source of the {@link ServerConfigFile} type. Most callers want {@link loadServerConfig}.
 *
 * @example
 * ```ts
 * import { serverConfigFileSchema } from '@intelshare/taxii-server';
 *
 * const result = serverConfigFileSchema.safeParse({ title: 'T', cursorSecret: '0123456789abcdef', apiRoots: [] });
 * console.log(result.success); // false: apiRoots needs at least one root
 * ```
 */
export const serverConfigFileSchema = z.strictObject({
  title: z.string().min(1),
  description: z.string().optional(),
  contact: z.string().optional(),
  discoveryPath: z.string().optional(),
  publicUrl: z.url().optional(),
  defaultApiRoot: z.string().optional(),
  /** Where objects live: `memory` (or `memory:`), `sqlite:<file>` or `postgres://…`. Default `memory`. */
  storage: z
    .string()
    .regex(
      /^(memory:?|sqlite:.+|postgres(ql)?:\/\/.+)$/,
      'use `memory:`, `sqlite:<file>` or `postgres://…`',
    )
    .default('memory'),
  /**
   * Keep a copy of each collection read in process memory, for SQLite and PostgreSQL
   * storage (`true`, or `{ maxBytes }`; see `MirrorOptions`). Ignored for `memory`.
   */
  mirror: z
    .union([z.boolean(), z.strictObject({ maxBytes: z.number().int().nonnegative() })])
    .optional(),
  /** Where the policy audit log of view reads is kept: `memory` or `sqlite:<file>`. */
  audit: z
    .string()
    .regex(/^(memory:?|sqlite:.+)$/, 'use `memory` or `sqlite:<file>`')
    .default('memory'),
  /** Accept custom STIX content in POSTs. Default false. */
  allowCustomContent: z.boolean().default(false),
  /** The cursor-signing secret, or `env:NAME` to read it from the environment. */
  cursorSecret: z.string().min(16),
  auth: authSchema.default({ apiKeys: [], users: [] }),
  limits: limitsSchema.default({
    maxPageSize: 1000,
    defaultPageSize: 100,
    maxBodyBytes: 10 * 1024 * 1024,
    requestTimeoutMs: 30_000,
  }),
  /** Sharing agreements by name: inline documents, or `{ file: path }` for the CLI to read. */
  agreements: z.record(z.string(), z.unknown()).default({}),
  apiRoots: z
    .array(
      z.strictObject({
        path: z.string().min(1),
        title: z.string().min(1),
        description: z.string().optional(),
        principals: z.array(z.string().min(1)).optional(),
        collections: z
          .array(collectionBaseSchema.extend({ view: viewFileSchema.optional() }))
          .default([]),
      }),
    )
    .min(1),
});

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A parsed server config file. */
export type ServerConfigFile = z.output<typeof serverConfigFileSchema>;
/** A view declared in a config file. */
export type ViewFileConfig = z.output<typeof viewFileSchema>;

/**
 * Parses a server config file (YAML or JSON) and checks it against
 * {@link serverConfigFileSchema}; every problem is reported with its path.
 *
 * @param text - the file's contents.
 * @returns the validated config, defaults filled in.
 * @throws IntelshareError `VALIDATION_FAILED` (or `INVALID_JSON` for unparsable text).
 * @example
 * ```ts
 * import { loadServerConfig } from '@intelshare/taxii-server';
 *
 * const file = loadServerConfig(`
 * title: Example CERT
 * cursorSecret: env:TAXII_CURSOR_SECRET
 * storage: sqlite:./taxii.db
 * apiRoots:
 *   - path: api
 *     title: Partners
 *     collections:
 *       - { id: indicators, title: Indicators, canRead: ["*"] }
 * `);
 * ```
 */
export function loadServerConfig(text: string): ServerConfigFile {
  let raw: unknown;
  try {
    // YAML 1.2 is a superset of JSON, so one parser reads both.
    raw = parseYaml(text, { maxAliasCount: 100, uniqueKeys: true });
  } catch (error) {
    throw new IntelshareError(
      'INVALID_JSON',
      `The server config is not valid YAML or JSON: ${(error as Error).message}`,
      { cause: error },
    );
  }
  const result = serverConfigFileSchema.safeParse(raw);
  if (!result.success) {
    const lines = result.error.issues.map((issue) => {
      const path = issue.path
        .map((p, i) => (typeof p === 'number' ? `[${p}]` : `${i === 0 ? '' : '.'}${String(p)}`))
        .join('');
      return `${path || '(root)'}: ${issue.message}`;
    });
    throw new IntelshareError('VALIDATION_FAILED', `Invalid server config: ${lines.join('; ')}`);
  }
  return result.data;
}

/** What {@link toTaxiiServerConfig} needs besides the file. */
export interface ServerConfigRuntime {
  /** The opened storage (see `openStorage` in `@intelshare/taxii-server/node`). */
  storage: TaxiiStorage;
  /**
   * Builds the projection of a declared view. Default: {@link policyView} with the
   * agreement parsed by `@intelshare/policy` `parseAgreement` and `auditLog`.
   */
  createView?: (view: ViewFileConfig, agreement: unknown) => CollectionView;
  /** The policy audit log the default views append every read to. */
  auditLog?: AuditLog;
  /** Environment for `env:NAME` secrets. Default `process.env` when it exists. */
  env?: Record<string, string | undefined>;
  /**
   * Where `limits.rateLimit` budgets are kept (see `openRateLimitStore` in
   * `@intelshare/taxii-server/node`); default per process.
   */
  rateLimitStore?: RateLimitStore;
}

/**
 * Turns a parsed config file into a {@link TaxiiServerConfig} for `createTaxiiHandler`.
 *
 * @param file - from {@link loadServerConfig}.
 * @param runtime - the storage, and how to build views from agreements.
 * @returns the handler config.
 * @throws IntelshareError `VALIDATION_FAILED` for a missing secret, agreement or view builder.
 * @example
 * ```ts
 * import { createTaxiiHandler, loadServerConfig, MemoryStorage, toTaxiiServerConfig } from '@intelshare/taxii-server';
 *
 * const file = loadServerConfig('{"title":"T","cursorSecret":"0123456789abcdef0123","apiRoots":[{"path":"api","title":"A"}]}');
 * const handler = createTaxiiHandler(toTaxiiServerConfig(file, { storage: new MemoryStorage() }));
 * ```
 */
export function toTaxiiServerConfig(
  file: ServerConfigFile,
  runtime: ServerConfigRuntime,
): TaxiiServerConfig {
  const env =
    runtime.env ??
    (globalThis as { process?: { env: Record<string, string | undefined> } }).process?.env ??
    {};
  let secret = file.cursorSecret;
  if (secret.startsWith('env:')) {
    // The name comes from a file: an own property only (`env:constructor` is not a variable).
    const name = secret.slice(4);
    const value = Object.hasOwn(env, name) ? env[name] : undefined;
    if (!value) {
      throw new IntelshareError(
        'VALIDATION_FAILED',
        `Environment variable \`${secret.slice(4)}\` (cursorSecret) is not set.`,
        { path: 'cursorSecret' },
      );
    }
    secret = value;
  }
  const config: TaxiiServerConfig = {
    title: file.title,
    cursorSecret: secret,
    allowCustomContent: file.allowCustomContent,
    storage: runtime.storage,
    ...(runtime.rateLimitStore ? { rateLimitStore: runtime.rateLimitStore } : {}),
    auth: file.auth,
    limits: file.limits,
    apiRoots: file.apiRoots.map((root, r) => ({
      path: root.path,
      title: root.title,
      ...(root.description !== undefined ? { description: root.description } : {}),
      ...(root.principals !== undefined ? { principals: root.principals } : {}),
      collections: root.collections.map(({ view, ...collection }, c) => {
        if (!view) return collection;
        const where = `apiRoots[${r}].collections[${c}].view`;
        if (!Object.hasOwn(file.agreements, view.agreement)) {
          throw new IntelshareError(
            'VALIDATION_FAILED',
            `No agreement named \`${view.agreement}\` in \`agreements\`.`,
            { path: where },
          );
        }
        const agreement = file.agreements[view.agreement];
        if (runtime.createView) return { ...collection, view: runtime.createView(view, agreement) };
        if (isRecord(agreement) && Object.keys(agreement).length === 1 && 'file' in agreement) {
          throw new IntelshareError(
            'VALIDATION_FAILED',
            `Agreement \`${view.agreement}\` is a file reference; read the file and put its contents in \`agreements\` first.`,
            { path: where },
          );
        }
        return {
          ...collection,
          view: policyView({
            source: view.source,
            agreement: parseAgreement(agreement as Record<string, unknown>),
            recipient:
              typeof view.recipient === 'string'
                ? { identity: view.recipient }
                : (view.recipient as Recipient),
            ...(runtime.auditLog ? { auditLog: runtime.auditLog } : {}),
          }),
        };
      }),
    })),
  };
  if (file.description !== undefined) config.description = file.description;
  if (file.contact !== undefined) config.contact = file.contact;
  if (file.discoveryPath !== undefined) config.discoveryPath = file.discoveryPath;
  if (file.publicUrl !== undefined) config.publicUrl = file.publicUrl;
  if (file.defaultApiRoot !== undefined) config.defaultApiRoot = file.defaultApiRoot;
  return config;
}

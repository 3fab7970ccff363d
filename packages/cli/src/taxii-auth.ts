import { usageError } from './errors/cli-error';

/** The authentication a TAXII subcommand was given, in the shape `@intelshare/feeds` takes. */
export type CliAuth =
  | { type: 'basic'; username: string; password: string }
  | { type: 'bearer'; token: string };

/** The auth-related options every `taxii` subcommand accepts. */
export const TAXII_AUTH_OPTIONS = {
  user: { type: 'string', short: 'u' },
  password: { type: 'string' },
  token: { type: 'string' },
  header: { type: 'string', short: 'H', multiple: true },
} as const;

/**
 * Turns `--user`/`--password`, `--token` and `--header "Name: value"` into client options.
 * The password and token may also come from `INTELSHARE_TAXII_PASSWORD` /
 * `INTELSHARE_TAXII_TOKEN`, so they need not appear in the process list or shell history.
 */
export function authFromOptions(
  values: {
    user?: string | undefined;
    password?: string | undefined;
    token?: string | undefined;
    header?: string[] | undefined;
  },
  env: Readonly<Record<string, string | undefined>>,
): { auth?: CliAuth; headers: Record<string, string> } {
  const password = values.password ?? env.INTELSHARE_TAXII_PASSWORD;
  const token = values.token ?? env.INTELSHARE_TAXII_TOKEN;
  if (values.user !== undefined && values.token !== undefined) {
    throw usageError('give either `--user`/`--password` or `--token`, not both');
  }
  if (values.password !== undefined && values.user === undefined) {
    throw usageError('`--password` needs `--user`');
  }
  const headers: Record<string, string> = Object.create(null);
  for (const header of values.header ?? []) {
    const colon = header.indexOf(':');
    const name = colon > 0 ? header.slice(0, colon).trim() : '';
    if (!/^[!#$%&'*+.^`|~\w-]+$/.test(name)) {
      throw usageError(`\`--header\` must look like \`Name: value\`, got \`${header}\``);
    }
    headers[name.toLowerCase()] = header.slice(colon + 1).trim();
  }
  let auth: CliAuth | undefined;
  if (values.user !== undefined) {
    if (password === undefined) {
      throw usageError('`--user` needs `--password` (or INTELSHARE_TAXII_PASSWORD)');
    }
    auth = { type: 'basic', username: values.user, password };
  } else if (token !== undefined) {
    auth = { type: 'bearer', token };
  }
  return auth ? { auth, headers } : { headers };
}

import { TaxiiClient } from '@intelshare/feeds';
import type { Context } from '../../context';
import { usageError } from '../../errors/cli-error';
import { authFromOptions } from '../../taxii-auth';

/** The auth and transport options the `taxii` subcommands share, as parsed. */
export interface TaxiiConnectionValues {
  user?: string | undefined;
  password?: string | undefined;
  token?: string | undefined;
  header?: string[] | undefined;
  timeout?: string | undefined;
}

/** Checks a URL argument and returns it parsed; only http and https are accepted. */
export function parseServerUrl(command: string, value: string | undefined): URL {
  if (value === undefined) throw usageError(`\`intelshare ${command}\` needs a URL`);
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw usageError(`\`${value}\` is not a URL`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw usageError(`\`${value}\` must be an http:// or https:// URL`);
  }
  if (url.username || url.password) {
    // Credentials in URLs end up in shell history and process lists; make it explicit.
    throw usageError('put credentials in `--user`/`--password` or `--token`, not in the URL');
  }
  if (!url.pathname.endsWith('/')) url.pathname = `${url.pathname}/`;
  return url;
}

/** Builds a client for a URL with the command-line auth, headers and timeout. */
export function createClient(url: URL, values: TaxiiConnectionValues, ctx: Context): TaxiiClient {
  const { auth, headers } = authFromOptions(values, ctx.env);
  const timeoutSeconds = values.timeout === undefined ? undefined : Number(values.timeout);
  if (timeoutSeconds !== undefined && !(timeoutSeconds > 0 && timeoutSeconds <= 86_400)) {
    throw usageError('`--timeout` must be a number of seconds between 0 and 86400');
  }
  const signal = ctx.signal;
  return new TaxiiClient({
    // A server URL (`/`) or an API root: the client finds discovery at `/taxii2/` itself.
    ...(/\/taxii2\/$/.test(url.pathname) ? { discoveryUrl: url.href } : { url: url.href }),
    ...(auth ? { auth } : {}),
    headers,
    ...(timeoutSeconds !== undefined ? { timeout: timeoutSeconds * 1000 } : {}),
    ...(signal ? { signal } : {}),
  });
}

/** A URL is taken as the discovery endpoint when its path is `/` or ends in `/taxii2/`. */
export function isDiscoveryUrl(url: URL): boolean {
  return url.pathname === '/' || /\/taxii2\/$/.test(url.pathname);
}

/**
 * The API root a command works on: the URL itself when it names an API root, otherwise
 * (a discovery URL) the server's default API root, or its only one.
 */
export async function resolveApiRoot(client: TaxiiClient, url: URL): Promise<string> {
  if (!isDiscoveryUrl(url)) return url.href;
  const discovery = await client.discover();
  if (discovery.default) return new URL(discovery.default, url).href;
  const roots = discovery.api_roots ?? [];
  if (roots.length === 1 && roots[0] !== undefined) return new URL(roots[0], url).href;
  if (roots.length === 0) throw usageError(`the server at ${url.href} lists no API roots`);
  throw usageError(
    `the server has ${roots.length} API roots and no default; give one of them as the URL: ${roots.join(', ')}`,
  );
}

export const CONNECTION_HELP = `Connection options:
  -u, --user NAME        HTTP Basic user name (with --password).
      --password SECRET  HTTP Basic password (or set INTELSHARE_TAXII_PASSWORD).
      --token TOKEN      Bearer token (or set INTELSHARE_TAXII_TOKEN).
  -H, --header "N: V"    Extra request header, e.g. an API key; repeatable.
      --timeout SECONDS  Per-request timeout (default 60).`;

import ky, { type KyInstance, type Options as KyOptions } from 'ky';
import { FeedTransportError } from '../errors/feed-transport-error';
import { TaxiiError, type TaxiiErrorBody } from '../errors/taxii-error';
import { attemptSignal, linkSignals, sleep } from './abort';
import { authHeader, type FeedAuth, redactUrl } from './feed-auth';
import { BodyTooLargeError, readBodyLimited } from './read-body';
import {
  parseRetryAfter,
  type ResolvedRetry,
  type RetryOptions,
  resolveRetry,
  retryDelay,
} from './retry-policy';

/** Options shared by every HTTP-based feed client. */
export interface HttpOptions {
  /** Credentials sent with every request. */
  auth?: FeedAuth;
  /** Extra headers sent with every request. */
  headers?: Record<string, string>;
  /** Per-attempt timeout in ms covering headers and body (default 60 000; `false` for none). */
  timeout?: number | false;
  /** Retry policy, or a number of retries (default 4). */
  retry?: RetryOptions | number;
  /** Largest response body accepted, in bytes (default 64 MiB). */
  maxResponseBytes?: number;
  /** Aborts every request made by this client. */
  signal?: AbortSignal;
  /** A `fetch` implementation (default `globalThis.fetch`), e.g. one with client certificates. */
  fetch?: typeof globalThis.fetch;
  /**
   * The HTTP layer: ky options (`hooks` such as `beforeRequest` for token refresh or
   * logging, a proxying `fetch`, `prefixUrl`, ...) or your own ky instance. Retries,
   * timeouts and error handling stay the client's own (`retry`, `timeout`): they cover
   * the body too, so ky's `retry`, `timeout` and `throwHttpErrors` are switched off.
   */
  ky?: KyOptions | KyInstance;
  /**
   * Origins besides the client's own (its `url`) that may receive `auth` and `headers`, e.g.
   * an API root on another host. Every other origin — a redirect target, an API root named
   * by a discovery document — gets requests without them.
   */
  credentialOrigins?: readonly string[];
  /** Called before each retry, e.g. for logging; never receives credentials. */
  onRetry?: (info: RetryInfo) => void;
}

/** What {@link HttpOptions.onRetry} is told. */
export interface RetryInfo {
  method: string;
  url: string;
  attempt: number;
  delayMs: number;
  reason: string;
}

/** One request. */
export interface HttpRequest {
  method: 'GET' | 'POST' | 'DELETE' | 'HEAD';
  url: string | URL;
  headers?: Record<string, string>;
  body?: string;
  signal?: AbortSignal | undefined;
  /** Statuses besides 2xx that are returned instead of thrown (e.g. 304). */
  acceptStatuses?: readonly number[];
}

/** A fully read response. */
export interface HttpResponse {
  status: number;
  headers: Headers;
  body: Uint8Array;
  url: string;
}

declare const __INTELSHARE_VERSION__: string | undefined;
const USER_AGENT = `intelshare-feeds/${typeof __INTELSHARE_VERSION__ === 'string' ? __INTELSHARE_VERSION__ : '0.0.0-source'}`;

const IN_BROWSER =
  typeof (globalThis as { document?: unknown }).document !== 'undefined' ||
  typeof (globalThis as { WorkerGlobalScope?: unknown }).WorkerGlobalScope !== 'undefined';

const IDEMPOTENT = new Set(['GET', 'HEAD', 'DELETE']);
const MAX_ERROR_BODY = 64 * 1024;
const decoder = new TextDecoder();

/**
 * The HTTP layer of the feed clients: one ky instance (the caller's options or instance,
 * so their hooks and `fetch` apply to every request) plus what feeds need beyond it:
 * retries that cap `Retry-After` and repeat a body that failed halfway, timeouts that
 * cover the body as well as the headers, streamed size limits, typed errors, and
 * credentials only ever sent to the origins they were given for.
 */
export class HttpTransport {
  readonly #options: HttpOptions;
  readonly #retry: ResolvedRetry;
  /** Headers for the origins credentials belong to. */
  readonly #baseHeaders: Record<string, string>;
  /** The same without `auth` and the caller's `headers`, for every other origin. */
  readonly #anonymousHeaders: Record<string, string>;
  readonly #hasCredentials: boolean;
  /** Origins `auth` and `headers` may go to, as `scheme://host[:port]`. */
  readonly #credentialOrigins: readonly string[];
  readonly #ky: KyInstance;
  /** The same instance without `prefixUrl`, for URLs outside it. */
  readonly #kyAbsolute: KyInstance;
  readonly #prefix: string;
  /** Whether the attempt's signal is handed to the fetch under ky rather than to ky. */
  readonly #signalToFetch: boolean;

  /**
   * @param options - Credentials, limits and the ky layer.
   * @param home - The URL the credentials were given for: only its origin (and
   *   `credentialOrigins`) receives them.
   */
  constructor(options: HttpOptions, home: string | URL) {
    this.#options = options;
    this.#retry = resolveRetry(options.retry);
    const anonymous: Record<string, string> = Object.create(null);
    // Servers get a name to rate-limit by; browsers and workers own their User-Agent (and
    // setting it there would force a CORS preflight).
    if (!IN_BROWSER) anonymous['user-agent'] = USER_AGENT;
    const headers: Record<string, string> = Object.assign(Object.create(null), anonymous);
    for (const [name, value] of Object.entries(options.headers ?? {}))
      headers[name.toLowerCase()] = value;
    if (options.auth) {
      const [name, value] = authHeader(options.auth);
      headers[name.toLowerCase()] = value;
    }
    this.#baseHeaders = headers;
    this.#anonymousHeaders = anonymous;
    // Every header the caller gave counts as a credential: API keys hide under any name.
    this.#hasCredentials =
      options.auth !== undefined || Object.keys(options.headers ?? {}).length > 0;
    const origins = [originOf(home)];
    for (const origin of options.credentialOrigins ?? []) origins.push(originOf(origin));
    this.#credentialOrigins = origins;

    const given = options.ky;
    const own = typeof given === 'function';
    const base = own ? given : ky.create(given ?? {});
    const prefix = own ? '' : String(given?.prefixUrl ?? '');
    this.#prefix = prefix === '' || prefix.endsWith('/') ? prefix : `${prefix}/`;
    // When the client knows which fetch ky will call (not inside a caller's instance), the
    // attempt's signal goes to that fetch directly: handing it to ky makes ky link it with
    // its own controller (`AbortSignal.any`) on every request, a measurable part of a page.
    const inner = options.fetch ?? (own ? undefined : given?.fetch);
    this.#signalToFetch = !own;
    const fetchWithSignal = this.#signalToFetch
      ? (input: RequestInfo | URL, init?: RequestInit) => {
          const { [ATTEMPT_SIGNAL]: signal, ...rest } = (init ?? {}) as RequestInit & {
            [ATTEMPT_SIGNAL]?: AbortSignal;
          };
          if (signal) rest.signal = signal;
          return (inner ?? globalThis.fetch)(input, rest);
        }
      : inner;
    // One instance for every request. Our own retries, timeout and error handling cover
    // the body, which ky's do not: ky's are switched off so a request is not tried twice.
    this.#ky = base.extend({
      retry: 0,
      timeout: false,
      throwHttpErrors: false,
      ...(fetchWithSignal ? { fetch: fetchWithSignal as typeof fetch } : {}),
    });
    this.#kyAbsolute = this.#prefix === '' ? this.#ky : this.#ky.extend({ prefixUrl: '' });
  }

  /** Whether `auth` and `headers` may be sent to this URL. */
  #mayCarryCredentials(url: string | URL): boolean {
    if (!this.#hasCredentials) return true;
    if (typeof url === 'string') {
      // URLs built by the clients are normalised hrefs: a prefix check is exact, and saves
      // parsing every page's URL. Anything else is parsed.
      for (const origin of this.#credentialOrigins)
        if (url.startsWith(origin) && url.charCodeAt(origin.length) === 47 /* / */) return true;
    }
    let origin: string;
    try {
      origin = originOf(url);
    } catch {
      return false;
    }
    return this.#credentialOrigins.includes(origin);
  }

  // Frozen per-request header sets (the TAXII client's Accept variants) are merged once.
  readonly #merged = new WeakMap<object, Record<string, string>>();
  readonly #mergedAnonymous = new WeakMap<object, Record<string, string>>();

  #headers(
    extra: Record<string, string> | undefined,
    credentials: boolean,
  ): Record<string, string> {
    const base = credentials ? this.#baseHeaders : this.#anonymousHeaders;
    if (extra === undefined) return base;
    const cache = credentials ? this.#merged : this.#mergedAnonymous;
    const frozen = Object.isFrozen(extra);
    let headers = frozen ? cache.get(extra) : undefined;
    if (headers) return headers;
    headers = { ...base };
    for (const [name, value] of Object.entries(extra)) headers[name.toLowerCase()] = value;
    if (frozen) cache.set(extra, headers);
    return headers;
  }

  /** The largest body this transport accepts. */
  get maxResponseBytes(): number {
    return this.#options.maxResponseBytes ?? 64 * 1024 * 1024;
  }

  /** Sends a request with retries; resolves with the whole body or throws a typed error. */
  async request(request: HttpRequest): Promise<HttpResponse> {
    const method = request.method;
    const shownUrl = redactUrl(request.url);
    for (let attempt = 0; ; attempt++) {
      let outcome:
        | { response: HttpResponse }
        | { retryable: boolean; error: Error; retryAfterMs?: number | undefined };
      try {
        const response = await this.#attempt(request, shownUrl);
        if (
          (response.status >= 200 && response.status < 300) ||
          request.acceptStatuses?.includes(response.status)
        ) {
          return response;
        }
        const retryAfterMs = parseRetryAfter(response.headers.get('retry-after'));
        const error = new TaxiiError({
          status: response.status,
          method,
          url: shownUrl,
          body: parseErrorBody(response.body),
          retryAfterMs,
          ...((response.status === 401 || response.status === 403) &&
          !this.#mayCarryCredentials(response.requestedUrl)
            ? {
                hint: `Credentials were not sent to ${originOf(response.requestedUrl)}: it is not the origin they were given for. List it in \`credentialOrigins\` to send them there.`,
              }
            : {}),
        });
        // A POST the server refused with 429/503 was not processed, so repeating it is safe.
        const canRepeat =
          IDEMPOTENT.has(method) || response.status === 429 || response.status === 503;
        outcome = {
          retryable: canRepeat && this.#retry.statusCodes.includes(response.status),
          error,
          retryAfterMs,
        };
      } catch (error) {
        if (!(error instanceof FeedTransportError)) throw error;
        outcome = {
          retryable:
            IDEMPOTENT.has(method) && (error.code === 'NETWORK_ERROR' || error.code === 'TIMEOUT'),
          error,
        };
      }
      if (!outcome.retryable || attempt >= this.#retry.limit) throw outcome.error;
      const delayMs = retryDelay(attempt + 1, this.#retry, outcome.retryAfterMs);
      this.#options.onRetry?.({
        method,
        url: shownUrl,
        attempt: attempt + 1,
        delayMs,
        reason: outcome.error.message,
      });
      const { signal, dispose } = linkSignals([this.#options.signal, request.signal]);
      try {
        await sleep(delayMs, signal);
      } catch (reason) {
        throw new FeedTransportError(
          'ABORTED',
          method,
          shownUrl,
          'Aborted while waiting to retry.',
          { cause: reason },
        );
      } finally {
        dispose();
      }
    }
  }

  /**
   * Sends one request through ky, following redirects by hand: each hop's origin decides
   * whether `auth` and `headers` go with it (fetch drops `Authorization` on cross-origin
   * redirects, but not custom API-key headers).
   */
  async #fetchFollowing(
    request: HttpRequest,
    signal: AbortSignal | undefined,
    shownUrl: string,
  ): Promise<{ response: Response; url: string | URL }> {
    // Parsed only when a redirect needs resolving: pages are fetched by the thousand.
    let url: string | URL = request.url;
    let method: string = request.method;
    let body = request.body;
    for (let hop = 0; ; hop++) {
      const credentials = this.#mayCarryCredentials(url);
      const init: KyOptions = {
        method,
        headers: this.#headers(request.headers, credentials),
        redirect: 'manual',
      };
      if (body !== undefined) init.body = body;
      if (signal) {
        if (this.#signalToFetch) (init as Record<string, unknown>)[ATTEMPT_SIGNAL] = signal;
        else init.signal = signal;
      }
      const response = await this.#send(url, init);
      // Browsers hide manual redirects (opaque); without credentials, let them follow.
      if (response.type === 'opaqueredirect') {
        if (this.#hasCredentials && credentials) {
          throw new TaxiiError({
            status: 0,
            method: request.method,
            url: shownUrl,
            detail:
              'the server redirected and this runtime hides the target, so credentials are not sent on',
          });
        }
        const followed = await this.#send(url, { ...init, redirect: 'follow' });
        return { response: followed, url: followed.redirected ? followed.url : url };
      }
      const location = response.headers.get('location');
      if (!REDIRECTS.has(response.status) || location === null) return { response, url };
      await response.body?.cancel().catch(() => {});
      const current = typeof url === 'string' ? new URL(url) : url;
      const target = new URL(location, current);
      if (hop >= 5) {
        throw new TaxiiError({
          status: response.status,
          method: request.method,
          url: shownUrl,
          detail: 'too many redirects',
        });
      }
      // RFC 9110 §15.4: 303 (and, by long practice, 301/302 after POST) continue as GET.
      if (
        response.status === 303 ||
        ((response.status === 301 || response.status === 302) && method === 'POST')
      ) {
        method = 'GET';
        body = undefined;
      }
      url = target;
    }
  }

  /** One fetch through the ky instance (its hooks run; its `prefixUrl` applies inside it). */
  #send(url: string | URL, init: KyOptions): Promise<Response> {
    const href = typeof url === 'string' ? url : url.href;
    const prefix = this.#prefix;
    if (prefix !== '' && href.startsWith(prefix)) return this.#ky(href.slice(prefix.length), init);
    return this.#kyAbsolute(href, init);
  }

  async #attempt(
    request: HttpRequest,
    shownUrl: string,
  ): Promise<HttpResponse & { requestedUrl: string | URL }> {
    const timeoutMs = this.#options.timeout === undefined ? 60_000 : this.#options.timeout;
    const { signal, timedOut, dispose } = attemptSignal(
      [this.#options.signal, request.signal],
      timeoutMs,
    );
    const fail = (cause: unknown): FeedTransportError => {
      if (cause instanceof FeedTransportError) return cause;
      if (timedOut())
        return new FeedTransportError(
          'TIMEOUT',
          request.method,
          shownUrl,
          `No complete response within ${timeoutMs} ms.`,
          { cause },
        );
      if (signal?.aborted)
        return new FeedTransportError(
          'ABORTED',
          request.method,
          shownUrl,
          'The request was aborted.',
          { cause },
        );
      if (cause instanceof BodyTooLargeError)
        return new FeedTransportError('LIMIT_EXCEEDED', request.method, shownUrl, cause.message, {
          cause,
        });
      return new FeedTransportError('NETWORK_ERROR', request.method, shownUrl, describe(cause), {
        cause,
      });
    };
    try {
      const { response, url: finalUrl } = await this.#fetchFollowing(request, signal, shownUrl);
      const ok = response.status >= 200 && response.status < 300;
      const limit =
        ok || request.acceptStatuses?.includes(response.status)
          ? this.maxResponseBytes
          : MAX_ERROR_BODY;
      let body: Uint8Array;
      try {
        body = await readBodyLimited(response, limit);
      } catch (error) {
        // An oversized error body is still an error response; keep its status.
        if (!ok && error instanceof BodyTooLargeError) body = new Uint8Array(0);
        else throw error;
      }
      return {
        status: response.status,
        headers: response.headers,
        body,
        // Unredirected responses report the request URL, already redacted as `shownUrl`.
        url: finalUrl === request.url ? shownUrl : redactUrl(finalUrl),
        requestedUrl: finalUrl,
      };
    } catch (error) {
      if (error instanceof TaxiiError) throw error;
      throw fail(error);
    } finally {
      dispose();
    }
  }
}

const REDIRECTS = new Set([301, 302, 303, 307, 308]);

/**
 * An init key ky does not know, so it hands it on to `fetch` (ky passes unknown options
 * through): how the attempt's signal reaches the fetch under ky without ky linking it.
 */
const ATTEMPT_SIGNAL = 'intelshareAttemptSignal';

function originOf(url: string | URL): string {
  return (typeof url === 'string' ? new URL(url) : url).origin;
}

function describe(cause: unknown): string {
  if (cause instanceof Error) {
    const inner = cause.cause instanceof Error ? ` (${cause.cause.message})` : '';
    return `${cause.message}${inner}`;
  }
  return String(cause);
}

/** Reads a TAXII 2.1 §3.6.1 error message out of an error body, if it is one. */
function parseErrorBody(bytes: Uint8Array): TaxiiErrorBody | undefined {
  if (bytes.byteLength === 0) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(decoder.decode(bytes));
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const record = value as Record<string, unknown>;
  if (typeof record.title !== 'string') return undefined;
  const text = (key: string) =>
    typeof record[key] === 'string' ? (record[key] as string) : undefined;
  const body: TaxiiErrorBody = { title: record.title.slice(0, 500) };
  const description = text('description');
  if (description !== undefined) body.description = description.slice(0, 2000);
  const errorId = text('error_id');
  if (errorId !== undefined) body.errorId = errorId;
  const errorCode = text('error_code');
  if (errorCode !== undefined) body.errorCode = errorCode;
  const httpStatus = text('http_status');
  if (httpStatus !== undefined) body.httpStatus = httpStatus;
  const external = text('external_details');
  if (external !== undefined) body.externalDetails = external;
  if (
    typeof record.details === 'object' &&
    record.details !== null &&
    !Array.isArray(record.details)
  )
    body.details = record.details as Record<string, unknown>;
  return body;
}

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
 * The HTTP layer of the feed clients: `fetch` plus what feeds need beyond it — retries that cap `Retry-After` instead of giving up, timeouts that cover the
 * body as well as the headers, streamed size limits, typed errors.
 */
export class HttpTransport {
  readonly #options: HttpOptions;
  readonly #retry: ResolvedRetry;
  readonly #baseHeaders: Record<string, string>;
  readonly #hasCredentials: boolean;

  constructor(options: HttpOptions = {}) {
    this.#options = options;
    this.#retry = resolveRetry(options.retry);
    const headers: Record<string, string> = Object.create(null);
    // Servers get a name to rate-limit by; browsers and workers own their User-Agent (and
    // setting it there would force a CORS preflight).
    if (!IN_BROWSER) headers['user-agent'] = USER_AGENT;
    for (const [name, value] of Object.entries(options.headers ?? {}))
      headers[name.toLowerCase()] = value;
    if (options.auth) {
      const [name, value] = authHeader(options.auth);
      headers[name.toLowerCase()] = value;
    }
    this.#baseHeaders = headers;
    this.#hasCredentials =
      options.auth !== undefined ||
      Object.keys(options.headers ?? {}).some((name) =>
        /authorization|cookie|key|token|secret/i.test(name),
      );
  }

  // Frozen per-request header sets (the TAXII client's Accept variants) are merged once.
  readonly #merged = new WeakMap<object, Record<string, string>>();

  #headers(extra: Record<string, string> | undefined): Record<string, string> {
    if (extra === undefined) return this.#baseHeaders;
    const frozen = Object.isFrozen(extra);
    let headers = frozen ? this.#merged.get(extra) : undefined;
    if (headers) return headers;
    headers = { ...this.#baseHeaders };
    for (const [name, value] of Object.entries(extra)) headers[name.toLowerCase()] = value;
    if (frozen) this.#merged.set(extra, headers);
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
    const headers = this.#headers(request.headers);
    for (let attempt = 0; ; attempt++) {
      let outcome:
        | { response: HttpResponse }
        | { retryable: boolean; error: Error; retryAfterMs?: number | undefined };
      try {
        const response = await this.#attempt(request, headers, shownUrl);
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
   * Follows redirects by hand so credentials never travel to another origin: fetch drops
   * `Authorization` on cross-origin redirects but not custom API-key headers.
   */
  async #fetchFollowing(
    request: HttpRequest,
    headers: Record<string, string>,
    signal: AbortSignal | undefined,
    shownUrl: string,
  ): Promise<{ response: Response; url: string | URL | undefined }> {
    const fetchImpl = this.#options.fetch ?? globalThis.fetch;
    // Parsed only when a redirect needs resolving: pages are fetched by the thousand.
    let url: string | URL = request.url;
    let method: string = request.method;
    let body = request.body;
    for (let hop = 0; ; hop++) {
      const init: RequestInit = { method, headers, redirect: 'manual' };
      if (body !== undefined) init.body = body;
      if (signal) init.signal = signal;
      const response = await fetchImpl(url, init);
      // Browsers hide manual redirects (opaque); without credentials, let them follow.
      if (response.type === 'opaqueredirect') {
        if (this.#options.auth) {
          throw new TaxiiError({
            status: 0,
            method: request.method,
            url: shownUrl,
            detail:
              'the server redirected and this runtime hides the target, so credentials are not sent on',
          });
        }
        const followed = await fetchImpl(url, { ...init, redirect: 'follow' });
        return { response: followed, url: followed.redirected ? followed.url : url };
      }
      const location = response.headers.get('location');
      if (!REDIRECTS.has(response.status) || location === null)
        return { response, url: hop === 0 ? undefined : url };
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
      if (target.origin !== current.origin && this.#hasCredentials) {
        throw new TaxiiError({
          status: response.status,
          method: request.method,
          url: shownUrl,
          detail: `refused to follow a redirect to another origin (${redactUrl(target)}) with credentials`,
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

  async #attempt(
    request: HttpRequest,
    headers: Record<string, string>,
    shownUrl: string,
  ): Promise<HttpResponse> {
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
      // Plain fetch rather than ky: retries, timeouts and errors are handled here with
      // TAXII semantics, and ky's per-request work (options merge, two Requests and a clone,
      // AbortSignal.any) cost ~0.1x of the bare-fetch baseline at 100 objects a page
      // (bench/results/feeds-taxii-pull.json; docs: feeds/taxii, "Why not ky").
      const { response, url: finalUrl } = await this.#fetchFollowing(
        request,
        headers,
        signal,
        shownUrl,
      );
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
        url: finalUrl === undefined ? shownUrl : redactUrl(finalUrl),
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

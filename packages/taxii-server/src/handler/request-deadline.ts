import { TaxiiHttpError } from '../errors/taxii-http-error';

/**
 * The time limit of one request, and the point past which it no longer applies.
 *
 * A client reads `503 Retry-After` as "not processed, safe to repeat", so a request that
 * has been answered 503 must not change anything afterwards. A handler calls
 * {@link RequestDeadline.commit} right before its first write: if the deadline has already
 * passed, `commit` throws and nothing is written; otherwise the deadline stops counting and
 * the request runs to its real answer (202 with the status), however long the write takes.
 * The storages bound their own waits (SQLite `busy_timeout`, the Postgres pool).
 */
export class RequestDeadline {
  // Made on first use: only requests that read a body need it, and pages are many.
  #controller: AbortController | undefined;
  #expiredWith: TaxiiHttpError | undefined;
  readonly #timer: ReturnType<typeof setTimeout>;
  #committed = false;

  /**
   * @param onExpired - called once with the 503 when the deadline passes before
   *   {@link commit}: the request's answer. A callback rather than a promise to race, so a
   *   request that finishes in time (nearly all) allocates no promise for it.
   */
  constructor(timeoutMs: number, onExpired: (error: TaxiiHttpError) => void) {
    this.#timer = setTimeout(() => {
      if (this.#committed) return;
      const error = new TaxiiHttpError(503, 'Request timed out.', 'Try again later.', {
        'retry-after': '1',
      });
      this.#expiredWith = error;
      this.#controller?.abort(error);
      onExpired(error);
    }, timeoutMs);
  }

  /** Aborted (with the 503) once the deadline has passed; reading the body stops then. */
  get signal(): AbortSignal {
    if (!this.#controller) {
      this.#controller = new AbortController();
      if (this.#expiredWith) this.#controller.abort(this.#expiredWith);
    }
    return this.#controller.signal;
  }

  /** Called before the first write: throws if the request was already answered. */
  commit(): void {
    if (this.#expiredWith) throw this.#expiredWith;
    this.#committed = true;
    clearTimeout(this.#timer);
  }

  /** Stops the timer once the request is answered. */
  dispose(): void {
    clearTimeout(this.#timer);
  }
}

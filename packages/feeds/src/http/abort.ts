/** A signal that aborts when any of the given signals does, plus a cleanup to drop listeners. */
export function linkSignals(signals: readonly (AbortSignal | undefined)[]): {
  signal: AbortSignal;
  dispose: () => void;
} {
  const present = signals.filter((signal): signal is AbortSignal => signal !== undefined);
  // One signal needs no linking; skipping the extra controller matters on hot paths.
  if (present.length === 1) return { signal: present[0]!, dispose: () => {} };
  const controller = new AbortController();
  const cleanups: (() => void)[] = [];
  for (const signal of signals) {
    if (!signal) continue;
    if (signal.aborted) {
      controller.abort(signal.reason);
      break;
    }
    const onAbort = () => controller.abort(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    cleanups.push(() => signal.removeEventListener('abort', onAbort));
  }
  return {
    signal: controller.signal,
    dispose: () => {
      for (const fn of cleanups) fn();
    },
  };
}

/** Waits `ms`, rejecting with the signal's reason as soon as it aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/**
 * The signal for one request attempt: aborts when any given signal does or when `timeoutMs`
 * passes. One controller serves both (the given signals abort it through listeners), since
 * creating abort signals is a measurable part of a small request.
 */
export function attemptSignal(
  signals: readonly (AbortSignal | undefined)[],
  timeoutMs: number | false,
): { signal: AbortSignal | undefined; timedOut: () => boolean; dispose: () => void } {
  let present: AbortSignal | undefined;
  let count = 0;
  for (const signal of signals)
    if (signal) {
      present = signal;
      count++;
    }
  if (timeoutMs === false && count <= 1)
    return { signal: present, timedOut: () => false, dispose: () => {} };
  const controller = new AbortController();
  let timedOut = false;
  const timer =
    timeoutMs === false
      ? undefined
      : setTimeout(() => {
          timedOut = true;
          controller.abort(new DOMException('The request timed out.', 'TimeoutError'));
        }, timeoutMs);
  const listening: AbortSignal[] = [];
  const onAbort = function (this: AbortSignal) {
    controller.abort(this.reason);
  };
  for (const signal of signals) {
    if (!signal) continue;
    if (signal.aborted) {
      controller.abort(signal.reason);
      break;
    }
    signal.addEventListener('abort', onAbort, { once: true });
    listening.push(signal);
  }
  return {
    signal: controller.signal,
    timedOut: () => timedOut,
    dispose: () => {
      if (timer !== undefined) clearTimeout(timer);
      for (const signal of listening) signal.removeEventListener('abort', onAbort);
    },
  };
}

import type { FeedIssue } from '../errors/feed-error-issue';
import type { StixObject } from '../stix/stix-object';
import type { PollSource } from './poll-source';

/** Where the poller keeps per-source state; may be async (files, databases). */
export interface PollStateStore {
  get(sourceId: string): unknown | Promise<unknown>;
  set(sourceId: string, state: unknown): void | Promise<void>;
}

/** A batch delivered to the sink. */
export interface SinkBatch {
  sourceId: string;
  objects: StixObject[];
  issues: FeedIssue[];
}

/** Progress events, e.g. for a progress bar or metrics. */
export type PollerEvent =
  | { type: 'poll-start'; sourceId: string; attempt: number }
  | { type: 'batch'; sourceId: string; objects: number; total: number }
  | {
      type: 'poll-done';
      sourceId: string;
      objects: number;
      durationMs: number;
      nextRunInMs: number;
    }
  | { type: 'poll-error'; sourceId: string; error: unknown; failures: number; nextRunInMs: number };

/** Options of {@link Poller}. */
export interface PollerOptions {
  sources: readonly PollSource[];
  /** Receives every batch; the batch's state is persisted only after this resolves. */
  sink: (batch: SinkBatch) => void | Promise<void>;
  /** Sources polled at the same time (default 2). */
  concurrency?: number;
  /** Per-source state (default: in memory). */
  store?: PollStateStore;
  /** Backoff after failures: `baseMs` doubled per failure up to `maxMs` (defaults 5 s, 1 h). */
  backoff?: { baseMs?: number; maxMs?: number };
  /** Progress events. */
  onEvent?: (event: PollerEvent) => void;
}

interface SourceSlot {
  source: PollSource;
  nextRunAt: number;
  failures: number;
  running: boolean;
}

/**
 * Runs many feed sources on their schedules with a concurrency limit, persists each
 * source's state after the sink accepts a batch, and backs off (exponentially, with
 * jitter) after failures. A failing source never blocks the others.
 *
 * @see /feeds/poller/
 *
 * @example
 * ```ts
 * import { Poller, httpFeedSource, openPhishMapping } from '@intelshare/feeds';
 *
 * const poller = new Poller({
 *   sources: [httpFeedSource({ id: 'openphish', url: 'https://openphish.com/feed.txt', mapping: openPhishMapping, intervalMs: 3_600_000 })],
 *   sink: async ({ sourceId, objects }) => console.log(sourceId, objects.length),
 *   onEvent: (event) => console.log(event.type),
 * });
 * poller.start();
 * await poller.stop();
 * ```
 */
export class Poller {
  readonly #options: PollerOptions;
  readonly #slots: SourceSlot[];
  readonly #store: PollStateStore;
  #controller = new AbortController();
  #running = new Set<Promise<void>>();
  #loop: Promise<void> | undefined;
  #wake: (() => void) | undefined;

  /** @param options - Sources, sink, limits and state store. */
  constructor(options: PollerOptions) {
    const ids = new Set<string>();
    for (const source of options.sources) {
      if (ids.has(source.id)) throw new TypeError(`Source id \`${source.id}\` is used twice.`);
      if (!(source.intervalMs > 0))
        throw new TypeError(`\`intervalMs\` of \`${source.id}\` must be positive.`);
      ids.add(source.id);
    }
    this.#options = options;
    this.#slots = options.sources.map((source) => ({
      source,
      nextRunAt: 0,
      failures: 0,
      running: false,
    }));
    const memory = new Map<string, unknown>();
    this.#store = options.store ?? {
      get: (id) => memory.get(id),
      set: (id, state) => void memory.set(id, state),
    };
  }

  /** Starts polling in the background; every source runs at once, then on its schedule. */
  start(): void {
    if (this.#loop) return;
    if (this.#controller.signal.aborted) this.#controller = new AbortController();
    this.#loop = this.#schedule();
  }

  /** Stops polling, aborting running polls, and waits for them to settle. */
  async stop(): Promise<void> {
    this.#controller.abort();
    this.#wake?.();
    await this.#loop;
    await Promise.allSettled([...this.#running]);
    this.#loop = undefined;
  }

  /**
   * Polls every source once (or the given ones) now, respecting the concurrency limit.
   *
   * @returns When all of them have finished; failures are reported through `onEvent`.
   */
  async runOnce(sourceIds?: readonly string[]): Promise<void> {
    const queue = this.#slots.filter((slot) => !sourceIds || sourceIds.includes(slot.source.id));
    const limit = Math.max(1, this.#options.concurrency ?? 2);
    const workers = Array.from({ length: Math.min(limit, queue.length) }, async () => {
      for (let slot = queue.shift(); slot; slot = queue.shift()) await this.#run(slot);
    });
    await Promise.all(workers);
  }

  async #schedule(): Promise<void> {
    const signal = this.#controller.signal;
    const limit = Math.max(1, this.#options.concurrency ?? 2);
    while (!signal.aborted) {
      const now = Date.now();
      for (const slot of this.#slots) {
        if (this.#running.size >= limit) break;
        if (slot.running || slot.nextRunAt > now) continue;
        const run = this.#run(slot).finally(() => {
          this.#running.delete(run);
          this.#wake?.();
        });
        this.#running.add(run);
      }
      const idle = this.#slots
        .filter((slot) => !slot.running)
        .map((slot) => slot.nextRunAt - Date.now());
      const wait = Math.max(10, Math.min(60_000, ...(idle.length > 0 ? idle : [60_000])));
      await new Promise<void>((resolve) => {
        // One timer and one listener per wait, both removed when the wait ends early.
        const done = () => {
          clearTimeout(timer);
          signal.removeEventListener('abort', done);
          this.#wake = undefined;
          resolve();
        };
        const timer = setTimeout(done, wait);
        signal.addEventListener('abort', done, { once: true });
        this.#wake = done;
      });
    }
  }

  async #run(slot: SourceSlot): Promise<void> {
    const { source } = slot;
    // `runOnce` and the schedule may meet on one source: never poll it twice at once.
    if (slot.running) return;
    const emit = this.#options.onEvent;
    slot.running = true;
    const started = Date.now();
    let total = 0;
    emit?.({ type: 'poll-start', sourceId: source.id, attempt: slot.failures + 1 });
    try {
      let state = await this.#store.get(source.id);
      for await (const batch of source.poll({ state, signal: this.#controller.signal })) {
        if (batch.objects.length > 0 || (batch.issues?.length ?? 0) > 0) {
          await this.#options.sink({
            sourceId: source.id,
            objects: batch.objects,
            issues: batch.issues ?? [],
          });
        }
        total += batch.objects.length;
        state = batch.state;
        await this.#store.set(source.id, state);
        emit?.({ type: 'batch', sourceId: source.id, objects: batch.objects.length, total });
      }
      slot.failures = 0;
      slot.nextRunAt = Date.now() + source.intervalMs;
      emit?.({
        type: 'poll-done',
        sourceId: source.id,
        objects: total,
        durationMs: Date.now() - started,
        nextRunInMs: source.intervalMs,
      });
    } catch (error) {
      slot.failures++;
      const base = this.#options.backoff?.baseMs ?? 5_000;
      const max = this.#options.backoff?.maxMs ?? 3_600_000;
      const ceiling = Math.min(max, base * 2 ** (slot.failures - 1));
      const delay = Math.round(ceiling / 2 + (Math.random() * ceiling) / 2);
      slot.nextRunAt = Date.now() + delay;
      emit?.({
        type: 'poll-error',
        sourceId: source.id,
        error,
        failures: slot.failures,
        nextRunInMs: delay,
      });
    } finally {
      slot.running = false;
    }
  }
}

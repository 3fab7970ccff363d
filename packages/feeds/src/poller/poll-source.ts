import type { FeedIssue } from '../errors/feed-error-issue';
import type { StixObject } from '../stix/stix-object';

/** One batch a source hands to the poller: objects plus the source state after them. */
export interface PollBatch {
  objects: StixObject[];
  /** The state to persist once the sink has accepted this batch (plain JSON). */
  state: unknown;
  /** Rows or values the source skipped, with where they were. */
  issues?: FeedIssue[];
}

/** What a source's `poll` receives. */
export interface PollContext {
  /** The state persisted after the last accepted batch, or `undefined` on the first run. */
  state: unknown;
  /** Aborted when the poller stops. */
  signal: AbortSignal;
}

/**
 * A feed the {@link Poller} runs on a schedule. `poll` yields batches; the poller
 * persists each batch's `state` only after the sink accepted the batch, so a crash
 * resumes without loss.
 */
export interface PollSource {
  /** Unique, stable id (state is stored under it). */
  id: string;
  /** Time between successful polls in ms. */
  intervalMs: number;
  /** Fetches what is new since `context.state`. */
  poll(context: PollContext): AsyncIterable<PollBatch>;
}

import { loadDemoBundleSources } from './demo-bundles';
import { parseBundle } from './parse-bundle';
import { type BundleSummary, summarizeBundle } from './summarize-bundle';

/** The overview page's data: one summary per embedded bundle, plus totals. */
export interface Overview {
  readonly bundles: readonly BundleSummary[];
  readonly totalObjects: number;
  readonly totalIssues: number;
  /** Milliseconds spent parsing and counting, once per process. */
  readonly parseMs: number;
}

// Parsing ~7.5 MB of JSON takes a noticeable fraction of a second, and the embedded data
// never changes while the server runs: parse once per process and share the promise, so
// concurrent first requests do not parse twice. A failure is not cached, so the next
// request retries and shows the error again instead of a stale one.
let cached: Promise<Overview> | undefined;

async function buildOverview(): Promise<Overview> {
  const started = performance.now();
  const sources = await loadDemoBundleSources();
  const bundles = sources.map(({ file, text }) => summarizeBundle(file, parseBundle(text)));
  return {
    bundles,
    totalObjects: bundles.reduce((sum, bundle) => sum + bundle.objectCount, 0),
    totalIssues: bundles.reduce((sum, bundle) => sum + bundle.issueCount, 0),
    parseMs: performance.now() - started,
  };
}

/**
 * The parsed and counted demo data, computed on first use and cached for the process.
 *
 * @returns the overview of every embedded bundle
 */
export function getOverview(): Promise<Overview> {
  if (cached === undefined) {
    cached = buildOverview().catch((error: unknown) => {
      cached = undefined;
      throw error;
    });
  }
  return cached;
}

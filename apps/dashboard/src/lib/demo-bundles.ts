/** One STIX bundle file embedded in the server build, as raw JSON text. */
export interface DemoBundleSource {
  /** Path below `data/`, e.g. `attack/ics-attack-18.1.json`. */
  readonly file: string;
  readonly text: string;
}

// Every `data/**/*.json` file is embedded into the server bundle at build time (`?raw`),
// so the built server needs no data directory, no network and no path configuration.
// Forks drop their own STIX 2.1 bundles into `data/` and rebuild. Each file becomes its
// own lazily loaded chunk, read only when the first request needs it.
const loaders = import.meta.glob<string>('../../data/**/*.json', {
  query: '?raw',
  import: 'default',
});

/**
 * Loads the embedded demo bundles, sorted by file name.
 *
 * @returns every `data/**\/*.json` file with its text
 */
export async function loadDemoBundleSources(): Promise<DemoBundleSource[]> {
  const entries = Object.entries(loaders).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return Promise.all(
    entries.map(async ([path, load]) => ({
      file: path.replace(/^(?:\.\.\/)+data\//, ''),
      text: await load(),
    })),
  );
}

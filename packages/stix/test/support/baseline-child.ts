// Child process of bench/stream.bench.ts: loads the package and exits, so the peak RSS of
// Node + tsx + @intelshare/stix alone can be subtracted from the streaming figure.
import { parseStix } from '../../src/index';

console.log(JSON.stringify({ loaded: typeof parseStix === 'function' }));

// Child process of bench/stream.bench.ts: streams a generated bundle of the given size
// through parseStixStream and prints counts and timing as JSON. Its peak RSS is measured
// by the parent (measureInChild).
import { parseStixStream } from '../../src/index';
import { StixGenerator } from './generate-bundle';

const totalBytes = Number(process.argv[2] ?? 1_000_000_000);
const generator = new StixGenerator(7);
let bytes = 0;
async function* counted() {
  for await (const chunk of generator.bundleChunks(totalBytes)) {
    bytes += chunk.length;
    yield chunk;
  }
}
const start = performance.now();
let objects = 0;
let invalid = 0;
for await (const item of parseStixStream(counted())) {
  objects++;
  if (!item.object) invalid++;
}
const seconds = (performance.now() - start) / 1000;
console.log(JSON.stringify({ bytes, objects, invalid, seconds }));

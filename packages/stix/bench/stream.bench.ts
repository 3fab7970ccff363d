// Streaming: throughput of parseStixStream on a generated bundle, and the peak RSS of a
// child process streaming a ~1 GB bundle generated on the fly. Target (issue #3): < 200 MB.
import { fileURLToPath } from 'node:url';
import { measureInChild, runBenchSuite } from '@intelshare/bench';
import { parseStixStream } from '../src/index';
import { StixGenerator } from '../test/support/generate-bundle';

const STREAM_BYTES = Number(process.env.STIX_STREAM_BENCH_BYTES ?? 1_000_000_000);
// A 64 MB heap cap proves the memory is bounded: were objects retained, the child would
// die of heap exhaustion long before 1 GB.
const HEAP_CAP_MB = 64;
const child = fileURLToPath(new URL('../test/support/stream-child.ts', import.meta.url));
const baselineChild = fileURLToPath(new URL('../test/support/baseline-child.ts', import.meta.url));
const baseline = await measureInChild(baselineChild, []);
const streamed = await measureInChild(child, [String(STREAM_BYTES)], {
  timeoutMs: 900_000,
  maxOldSpaceMb: HEAP_CAP_MB,
});
const summary = JSON.parse(streamed.stdout.trim().split('\n').pop()!) as {
  bytes: number;
  objects: number;
  invalid: number;
  seconds: number;
};
const peakRssMb = Math.round(streamed.peakRssBytes / 1e6);
if (summary.invalid !== 0)
  throw new Error(`${summary.invalid} generated objects failed validation.`);

const COUNT = 20_000;
const text = new StixGenerator(3).bundleText(COUNT);
const bytes = new TextEncoder().encode(text);
const chunks: Uint8Array[] = [];
for (let offset = 0; offset < bytes.length; offset += 65_536)
  chunks.push(bytes.subarray(offset, offset + 65_536));

async function* source() {
  yield* chunks;
}

await runBenchSuite({
  name: 'stix-stream',
  description: `parseStixStream over 64 KiB chunks of a generated ${COUNT}-object bundle; child streams ${STREAM_BYTES} bytes`,
  baseline: {
    name: 'JSON.parse (whole text)',
    run: () => JSON.parse(text),
    bytes: bytes.length,
    items: COUNT,
  },
  cases: [
    {
      name: 'parseStixStream',
      run: async () => {
        let n = 0;
        for await (const item of parseStixStream(source())) if (item.object) n++;
        if (n !== COUNT) throw new Error(`expected ${COUNT} objects, got ${n}`);
      },
      bytes: bytes.length,
      items: COUNT,
    },
  ],
  iterations: 3,
  time: 500,
  extra: {
    streamedBytes: summary.bytes,
    streamedObjects: summary.objects,
    streamedSeconds: Math.round(summary.seconds),
    streamedMBps: Math.round(summary.bytes / 1e6 / summary.seconds),
    peakRssMb,
    baselineRssMb: Math.round(baseline.peakRssBytes / 1e6),
    heapCapMb: HEAP_CAP_MB,
    targetPeakRssMb: 200,
  },
});

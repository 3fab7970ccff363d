// Parses a generated URLhaus-style CSV of `megabytes` MB, produced chunk by chunk and never
// held whole, through parseFeedStream; prints rows, indicators, issues and the generated size.
// Run under a capped heap by plain-stream.test.ts.
import { parseFeedStream, urlhausMapping } from '../../src/index';

const megabytes = Number(process.argv[2] ?? 256);
const target = megabytes * 1024 * 1024;
const encoder = new TextEncoder();
// ~2.5 KB per row: a long quoted description that spans chunk boundaries and lines.
const filler = 'lorem "ipsum", dolor\nsit amet '.repeat(80).replaceAll('"', '""');
let produced = 0;
let row = 0;
const badEvery = 10_000;

const source = new ReadableStream<Uint8Array>({
  start(controller) {
    controller.enqueue(
      encoder.encode(
        '################################################################\n# abuse.ch URLhaus Database Dump (CSV)\n#\n# id,dateadded,url,url_status,last_online,threat,tags,urlhaus_link,reporter\n',
      ),
    );
  },
  pull(controller) {
    if (produced >= target) {
      controller.enqueue(encoder.encode('# END 1 entries\n'));
      controller.close();
      return;
    }
    let text = '';
    for (let i = 0; i < 40; i++) {
      row++;
      text +=
        row % badEvery === 0
          ? `"${row}","2024-01-01 00:00:00","http://bad-row.example/${row}"\n`
          : `"${row}","2024-01-01 00:00:00","http://host-${row}.example/p","online","","malware_download","${filler}","https://urlhaus.abuse.ch/url/${row}/","tester"\n`;
    }
    const bytes = encoder.encode(text);
    produced += bytes.byteLength;
    // Uneven chunk sizes so records and quoted newlines straddle chunk edges.
    const cut = 1 + (row % 977);
    controller.enqueue(bytes.subarray(0, cut));
    controller.enqueue(bytes.subarray(cut));
  },
});

let indicators = 0;
let issues = 0;
let rows = 0;
let firstIssue = '';
let batches = 0;
for await (const batch of parseFeedStream(source, urlhausMapping, {
  now: new Date('2026-01-01T00:00:00Z'),
})) {
  for (const object of batch.objects) if (object.type === 'indicator') indicators++;
  issues += batch.issues.length;
  firstIssue ||= batch.issues[0] ? `${batch.issues[0].path}: ${batch.issues[0].message}` : '';
  rows = batch.stats.rows;
  if (process.env.TRACE_HEAP && ++batches % 4 === 0)
    console.error(rows, Math.round(process.memoryUsage().heapUsed / 1e6));
}
console.log(JSON.stringify({ rows, indicators, issues, firstIssue, produced, generatedRows: row }));

// IOC extraction throughput on a synthetic threat report (baseline: splitting the same
// text into whitespace tokens, the floor any token-based extractor pays).
import { runBenchSuite } from '@intelshare/bench';
import { defang, extractIocs, iocsToIndicators, iocsToObservables } from '../src/extract/index';

const paragraphs: string[] = [];
for (let i = 0; i < 2000; i++) {
  paragraphs.push(
    `In stage ${i} the loader (version 1.2.${i % 10}.4) contacted hxxps://cdn${i}.update-check[.]com/gate.php?id=${i} ` +
      `and 198.51.${i % 256}.${(i * 7) % 256}:443, dropped invoice${i}.pdf with MD5 ${i.toString(16).padStart(32, 'a')} ` +
      `and mailed billing${i}[@]invoices-online.net about CVE-2024-${1000 + i}; infrastructure sits in AS${64500 + (i % 100)}.`,
  );
}
const report = paragraphs.join('\n');
const iocs = extractIocs(report);

await runBenchSuite({
  name: 'stix-extract',
  description: `${report.length} characters, ${iocs.length} indicators found`,
  baseline: {
    name: 'baseline: split on whitespace',
    bytes: report.length,
    run: () => report.split(/\s+/),
  },
  cases: [
    {
      name: 'extractIocs',
      bytes: report.length,
      items: iocs.length,
      run: () => extractIocs(report),
    },
    { name: 'iocsToObservables', items: iocs.length, run: () => iocsToObservables(iocs) },
    {
      name: 'iocsToIndicators',
      items: iocs.length,
      run: () => iocsToIndicators(iocs, { timestamp: '2026-01-01T00:00:00.000Z' }),
    },
    { name: 'defang', items: iocs.length, run: () => iocs.map((i) => defang(i.value)) },
  ],
  extra: { characters: report.length, iocs: iocs.length },
});

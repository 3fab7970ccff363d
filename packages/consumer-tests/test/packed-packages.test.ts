import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// @ts-expect-error -- plain ESM helper shared with `pnpm release`, no type declarations.
import { packPublicPackages } from '../../../scripts/pack-packages.mjs';

interface Packed {
  name: string;
  tarball: string;
}
interface Entry {
  specifier: string;
  packageName: string;
}

// A stranger's project: only the packed tarballs, installed with npm, no workspace links.
let project: string;
let packed: Packed[];
let entries: Entry[];

function run(command: string, args: string[], input?: string): string {
  return execFileSync(command, args, {
    cwd: project,
    encoding: 'utf8',
    input,
    stdio: ['pipe', 'pipe', 'pipe'],
    env: { ...process.env, NODE_OPTIONS: '', npm_config_loglevel: 'error' },
  });
}

beforeAll(() => {
  project = mkdtempSync(join(tmpdir(), 'intelshare-consumer-'));
  packed = packPublicPackages(join(project, 'tarballs')) as Packed[];
  const fileSpecs = Object.fromEntries(
    packed.map(({ name, tarball }) => [name, `file:${tarball}`]),
  );
  // Optional peers (better-sqlite3, pg) back subpaths such as `/sqlite`; a user of those
  // subpaths installs them, so the stranger does too, with their type declarations.
  const peers: Record<string, string> = {};
  for (const { name } of packed) {
    const dir = join(import.meta.dirname, '..', '..', name.replace('@intelshare/', ''));
    const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as {
      peerDependencies?: Record<string, string>;
      devDependencies?: Record<string, string>;
    };
    for (const [peer, range] of Object.entries(manifest.peerDependencies ?? {})) {
      peers[peer] = range;
      const types = manifest.devDependencies?.[`@types/${peer}`];
      if (types) peers[`@types/${peer}`] = types;
    }
  }
  writeFileSync(
    join(project, 'package.json'),
    JSON.stringify({
      name: 'stranger',
      private: true,
      type: 'module',
      dependencies: { ...fileSpecs, ...peers },
      // The tarballs depend on each other by version; point those at the tarballs too.
      overrides: fileSpecs,
      devDependencies: { typescript: '5.9.3', '@types/node': '20.19.43' },
    }),
  );
  run('npm', ['install', '--no-audit', '--no-fund', '--ignore-scripts=false']);
  entries = packed.flatMap(({ name }) => {
    const manifest = JSON.parse(
      readFileSync(join(project, 'node_modules', name, 'package.json'), 'utf8'),
    ) as { exports: Record<string, unknown> };
    // Wildcard exports (e.g. `./agreements/*`) ship data files, not modules; the test
    // below checks those separately.
    return Object.keys(manifest.exports)
      .filter((key) => key !== './package.json' && !key.includes('*'))
      .map((key) => ({
        packageName: name,
        specifier: key === '.' ? name : `${name}/${key.slice(2)}`,
      }));
  });
});

afterAll(() => {
  if (project) rmSync(project, { recursive: true, force: true });
});

describe('packed packages, installed with npm', () => {
  it('packs all five public packages without the private source condition leaking', () => {
    expect(packed.map((p) => p.name).sort()).toEqual([
      '@intelshare/cli',
      '@intelshare/feeds',
      '@intelshare/policy',
      '@intelshare/stix',
      '@intelshare/taxii-server',
    ]);
    for (const { name } of packed) {
      const manifest = readFileSync(join(project, 'node_modules', name, 'package.json'), 'utf8');
      expect(manifest).not.toContain('workspace:');
    }
  });

  it('ships at least one file behind every wildcard export', () => {
    for (const { name } of packed) {
      const dir = join(project, 'node_modules', name);
      const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as {
        exports: Record<string, unknown>;
      };
      for (const [key, target] of Object.entries(manifest.exports)) {
        if (!key.includes('*') || typeof target !== 'string') continue;
        const folder = join(dir, target.slice(0, target.indexOf('*')));
        expect(readdirSync(folder).length, `${name} ${key}`).toBeGreaterThan(0);
      }
    }
  });

  it('imports every entry point as ESM', () => {
    for (const { specifier } of entries) {
      const out = run('node', [
        '--input-type=module',
        '-e',
        `const m = await import(${JSON.stringify(specifier)}); console.log(Object.keys(m).length);`,
      ]);
      expect(Number(out.trim()), specifier).toBeGreaterThan(0);
    }
  });

  it('loads every entry point with require() (Node 20.19+ require of ESM)', () => {
    for (const { specifier } of entries) {
      const out = run('node', [
        '--input-type=commonjs',
        '-e',
        `const m = require(${JSON.stringify(specifier)}); console.log(Object.keys(m).length);`,
      ]);
      expect(Number(out.trim()), specifier).toBeGreaterThan(0);
    }
  });

  it('type-checks a TypeScript consumer under moduleResolution node16 and bundler', () => {
    const imports = entries
      .map(({ specifier }, i) => `import * as entry${i} from ${JSON.stringify(specifier)};`)
      .join('\n');
    const uses = entries.map((_, i) => `entry${i}`).join(', ');
    writeFileSync(
      join(project, 'consumer.ts'),
      `${imports}
import { canonicalize, isIntelshareError } from '@intelshare/stix';
const text: string = canonicalize({ b: 1, a: 2 });
const flagged: boolean = isIntelshareError(new Error(text));
export const all = [${uses}, flagged];
`,
    );
    for (const [module, moduleResolution] of [
      ['node16', 'node16'],
      ['esnext', 'bundler'],
    ] as const) {
      writeFileSync(
        join(project, `tsconfig.${moduleResolution}.json`),
        JSON.stringify({
          compilerOptions: {
            module,
            moduleResolution,
            target: 'es2022',
            strict: true,
            noEmit: true,
            types: ['node'],
            lib: ['es2023', 'dom'],
          },
          files: ['consumer.ts'],
        }),
      );
      run('npx', ['tsc', '-p', `tsconfig.${moduleResolution}.json`]);
    }
  });

  it('installs a working `intelshare` binary', () => {
    const version = run('npx', ['intelshare', '--version']).trim();
    const manifest = JSON.parse(
      readFileSync(join(project, 'node_modules', '@intelshare/cli', 'package.json'), 'utf8'),
    ) as { version: string };
    expect(version).toBe(manifest.version);
  });
});

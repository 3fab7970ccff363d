import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { chromiumLaunchOptions, findChromium } from '../src/chromium.mjs';
import { findPostgresBin, MISSING_POSTGRES_MESSAGE, postgresBin } from '../src/postgres.mjs';

const saved = { CHROMIUM_PATH: process.env.CHROMIUM_PATH, PG_BIN: process.env.PG_BIN };
const made: string[] = [];
afterEach(() => {
  for (const [key, value] of Object.entries(saved)) {
    if (value === undefined) delete process.env[key];
    else process.env[key] = value;
  }
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function folderWith(programs: string[]): string {
  const dir = mkdtempSync(join(tmpdir(), 'intelshare-test-env-'));
  made.push(dir);
  for (const program of programs) {
    writeFileSync(join(dir, program), '#!/bin/sh\nexit 0\n');
    chmodSync(join(dir, program), 0o755);
  }
  return dir;
}

describe('findChromium', () => {
  it('takes CHROMIUM_PATH when it is an executable', () => {
    const dir = folderWith(['my-chromium']);
    process.env.CHROMIUM_PATH = join(dir, 'my-chromium');
    expect(findChromium()).toBe(join(dir, 'my-chromium'));
    expect(chromiumLaunchOptions().executablePath).toBe(join(dir, 'my-chromium'));
  });

  it('names CHROMIUM_PATH when it points nowhere, instead of trying elsewhere', () => {
    process.env.CHROMIUM_PATH = '/nonexistent/chromium';
    expect(() => findChromium()).toThrow(
      'CHROMIUM_PATH is set to /nonexistent/chromium, which is not an executable file.',
    );
  });
});

describe('findPostgresBin', () => {
  it('takes PG_BIN when it holds the server programs', () => {
    const dir = folderWith(['initdb', 'pg_ctl', 'postgres']);
    process.env.PG_BIN = dir;
    expect(findPostgresBin()).toBe(dir);
    expect(postgresBin()).toBe(dir);
  });

  it('names PG_BIN and the missing programs when the folder lacks them', () => {
    process.env.PG_BIN = folderWith(['initdb']);
    expect(() => findPostgresBin()).toThrow(/PG_BIN is set to .*initdb, pg_ctl, postgres/);
  });

  it('says exactly what to install', () => {
    expect(MISSING_POSTGRES_MESSAGE).toContain('apt-get install postgresql');
    expect(MISSING_POSTGRES_MESSAGE).toContain('PG_BIN');
  });
});

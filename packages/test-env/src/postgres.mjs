// The one place that knows where the PostgreSQL server binaries are. The TAXII server's
// PostgreSQL suites start a throw-away server from them; `pnpm test`'s set-up step calls
// `ensurePostgres()` first, which installs Debian's `postgresql` with apt when none is found.
import { accessSync, constants, existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { aptInstall, canAptInstall } from './apt-install.mjs';

/** The programs a throw-away server needs: `initdb` creates the data folder, `pg_ctl` starts it. */
const REQUIRED_PROGRAMS = ['initdb', 'pg_ctl', 'postgres'];

/** Debian/Ubuntu keep each major version apart; other systems usually put them on one path. */
const VERSIONED_BASE = '/usr/lib/postgresql';
const OTHER_DIRS = [
  '/usr/pgsql/bin',
  '/usr/local/pgsql/bin',
  '/opt/homebrew/bin',
  '/usr/local/bin',
  '/usr/bin',
];

function hasServerPrograms(dir) {
  return REQUIRED_PROGRAMS.every((program) => {
    try {
      accessSync(join(dir, program), constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}

/**
 * The folder holding `initdb`, `pg_ctl` and `postgres`: `PG_BIN` when set (it must hold them),
 * else the newest `/usr/lib/postgresql/<major>/bin`, else the usual single-version locations;
 * `undefined` when there is none.
 */
export function findPostgresBin() {
  const fromEnv = process.env.PG_BIN;
  if (fromEnv) {
    if (!hasServerPrograms(fromEnv)) {
      throw new Error(
        `PG_BIN is set to ${fromEnv}, which does not hold the PostgreSQL server programs (${REQUIRED_PROGRAMS.join(', ')}).`,
      );
    }
    return fromEnv;
  }
  const majors = existsSync(VERSIONED_BASE)
    ? readdirSync(VERSIONED_BASE)
        .filter((name) => /^\d+(\.\d+)?$/.test(name))
        .sort((a, b) => Number(b) - Number(a))
    : [];
  const candidates = [...majors.map((major) => join(VERSIONED_BASE, major, 'bin')), ...OTHER_DIRS];
  return candidates.find(hasServerPrograms);
}

/** The message that says exactly what to install, shown once when no server is found. */
export const MISSING_POSTGRES_MESSAGE =
  'No PostgreSQL server programs (initdb, pg_ctl, postgres) found for the PostgreSQL storage tests. ' +
  'Install them (Debian/Ubuntu: `apt-get install postgresql`; Fedora: `dnf install postgresql-server`; ' +
  'macOS: `brew install postgresql`) or set PG_BIN to the folder that holds them. ' +
  'The tests start and stop their own throw-away server on 127.0.0.1.';

/**
 * Makes sure the PostgreSQL server programs are there before the suites run: found, or
 * installed with `apt-get install postgresql` on a Debian/Ubuntu machine where we are root.
 * Returns their folder, or throws one error carrying {@link MISSING_POSTGRES_MESSAGE}.
 * @param {{ log?: (line: string) => void }} [options]
 */
export function ensurePostgres(options = {}) {
  const log = options.log ?? ((line) => console.log(line));
  const found = findPostgresBin();
  if (found) return found;
  if (canAptInstall()) {
    log(
      "test set-up: no PostgreSQL server found; installing Debian's `postgresql` with apt-get (once)…",
    );
    const ok = aptInstall('postgresql');
    const installed = findPostgresBin();
    if (ok && installed) {
      log(`test set-up: installed the PostgreSQL server programs in ${installed}`);
      return installed;
    }
  }
  throw new Error(MISSING_POSTGRES_MESSAGE);
}

/**
 * The folder for a suite about to start a server: what {@link findPostgresBin} finds, or the
 * one "what to install" error.
 */
export function postgresBin() {
  const found = findPostgresBin();
  if (!found) throw new Error(MISSING_POSTGRES_MESSAGE);
  return found;
}

/** The folder holding `initdb`, `pg_ctl` and `postgres` (`PG_BIN`, then the usual places), or `undefined`. */
export function findPostgresBin(): string | undefined;
/** What to install when no PostgreSQL server is found. */
export const MISSING_POSTGRES_MESSAGE: string;
/** Finds the server programs, or installs Debian's `postgresql` with apt (root on Debian/Ubuntu); else throws. */
export function ensurePostgres(options?: { log?: (line: string) => void }): string;
/** The server programs' folder, or throws the one "what to install" error. */
export function postgresBin(): string;

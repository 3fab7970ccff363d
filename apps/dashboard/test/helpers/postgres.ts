// One throw-away PostgreSQL server per test file: the taxii-server package's test support
// (initdb into a temp folder, a free 127.0.0.1 port), reused rather than copied.
export {
  type PostgresServer,
  startPostgres,
} from '../../../../packages/taxii-server/test/support/postgres-server';

let databases = 0;

/** A fresh, empty database on `server` (so suites sharing one server never see each other's rows). */
export async function freshDatabase(serverUrl: string, prefix = 'hub'): Promise<string> {
  const { default: pg } = await import('pg');
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  const name = `${prefix}_${process.pid}_${++databases}`;
  try {
    await client.query(`CREATE DATABASE ${name}`);
  } finally {
    await client.end();
  }
  return serverUrl.replace(/\/postgres$/, `/${name}`);
}

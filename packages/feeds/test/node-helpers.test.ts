import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FeedTransportError, TaxiiClient } from '../src/index';
import { createTlsFetch, FileStateStore } from '../src/node/index';

const dir = mkdtempSync(join(tmpdir(), 'feeds-tls-'));
const pem = (name: string) => readFileSync(join(dir, name), 'utf8');
function openssl(...args: string[]) {
  execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
}

let server: Server;
let base: string;

beforeAll(async () => {
  // A throwaway CA that signs a server certificate for 127.0.0.1 and a client certificate.
  openssl(
    'req',
    '-x509',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-keyout',
    'ca.key',
    '-out',
    'ca.pem',
    '-days',
    '1',
    '-subj',
    '/CN=test-ca',
  );
  openssl(
    'req',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-keyout',
    'server.key',
    '-out',
    'server.csr',
    '-subj',
    '/CN=127.0.0.1',
  );
  writeFileSync(join(dir, 'san.ext'), 'subjectAltName=IP:127.0.0.1\n');
  openssl(
    'x509',
    '-req',
    '-in',
    'server.csr',
    '-CA',
    'ca.pem',
    '-CAkey',
    'ca.key',
    '-CAcreateserial',
    '-out',
    'server.pem',
    '-days',
    '1',
    '-extfile',
    'san.ext',
  );
  openssl(
    'req',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-keyout',
    'client.key',
    '-out',
    'client.csr',
    '-subj',
    '/CN=feeds-client',
  );
  openssl(
    'x509',
    '-req',
    '-in',
    'client.csr',
    '-CA',
    'ca.pem',
    '-CAkey',
    'ca.key',
    '-CAcreateserial',
    '-out',
    'client.pem',
    '-days',
    '1',
  );
  server = createServer(
    {
      key: pem('server.key'),
      cert: pem('server.pem'),
      ca: pem('ca.pem'),
      requestCert: true,
      rejectUnauthorized: true,
    },
    (req, res) => {
      const peer = (req.socket as import('node:tls').TLSSocket).getPeerCertificate();
      res.writeHead(200, { 'content-type': 'application/taxii+json;version=2.1' });
      res.end(JSON.stringify({ title: `hello ${peer.subject?.CN}`, api_roots: [] }));
    },
  );
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `https://127.0.0.1:${(server.address() as AddressInfo).port}/`;
}, 60_000);

afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

describe('createTlsFetch', () => {
  it('authenticates with a client certificate (mutual TLS)', async () => {
    const client = new TaxiiClient({
      url: base,
      retry: 0,
      fetch: createTlsFetch({ cert: pem('client.pem'), key: pem('client.key'), ca: pem('ca.pem') }),
    });
    expect((await client.discover()).title).toBe('hello feeds-client');
  });

  it('fails with NETWORK_ERROR without a client certificate', async () => {
    const client = new TaxiiClient({
      url: base,
      retry: 0,
      fetch: createTlsFetch({ ca: pem('ca.pem') }),
    });
    const error = await client.discover().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FeedTransportError);
    expect((error as FeedTransportError).code).toBe('NETWORK_ERROR');
  });
});

describe('FileStateStore', () => {
  it('stores state atomically per source and refuses ids that could escape the directory', async () => {
    const stateDir = mkdtempSync(join(tmpdir(), 'feeds-state-'));
    const store = new FileStateStore(join(stateDir, 'nested'));
    expect(await store.get('taxii-1')).toBeUndefined();
    await store.set('taxii-1', {
      v: 1,
      addedAfter: '2024-01-01T00:00:00Z',
      pages: 3,
      objects: 10,
      done: true,
    });
    expect(await new FileStateStore(join(stateDir, 'nested')).get('taxii-1')).toMatchObject({
      pages: 3,
    });
    expect(readdirSync(join(stateDir, 'nested'))).toEqual(['taxii-1.json']);
    await expect(store.set('../escape', {})).rejects.toThrow(TypeError);
  });
});

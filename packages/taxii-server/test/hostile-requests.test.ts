// Issue 19 reproductions against the server: a POST answered 503 commits nothing, a
// stranger cannot lock an account's owner out, and one writer cannot break every
// partner's policy view with a type named like an `Object.prototype` property.
import { request as httpRequest } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { AuditLog, parseAgreement, TLP2_MARKING_IDS } from '@intelshare/policy';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type CollectionView,
  createTaxiiHandler,
  hashApiKey,
  hashPassword,
  MemoryStorage,
  ProjectionError,
  policyView,
  TAXII_MEDIA_TYPE,
  type TaxiiStorage,
} from '../src/index';
import { type RunningServer, serve } from '../src/node/index';
import { indicator, uuidFor } from './support/objects';

const TAXII = TAXII_MEDIA_TYPE;
const WRITER = { accept: TAXII, authorization: 'Bearer writer-key-0123456789abcdef' };

describe('a POST answered 503 commits nothing', () => {
  it('stores nothing of a body that arrives after the request timed out', async () => {
    const storage = new MemoryStorage();
    const handler = createTaxiiHandler({
      title: 'T',
      cursorSecret: 'hostile-secret-0123456789',
      storage,
      auth: {
        apiKeys: [{ principal: 'w', hash: await hashApiKey('writer-key-0123456789abcdef') }],
      },
      limits: { requestTimeoutMs: 50 },
      apiRoots: [
        {
          path: 'api',
          title: 'A',
          collections: [{ id: 'c', title: 'C', canRead: ['w'], canWrite: ['w'] }],
        },
      ],
    });
    const text = new TextEncoder().encode(JSON.stringify({ objects: [indicator(1)] }));
    let release!: () => void;
    const released = new Promise<void>((resolve) => {
      release = resolve;
    });
    let finished!: () => void;
    const fullyRead = new Promise<void>((resolve) => {
      finished = resolve;
    });
    let step = 0;
    const body = new ReadableStream<Uint8Array>({
      async pull(controller) {
        step++;
        if (step === 1) controller.enqueue(text.slice(0, 10));
        else if (step === 2) {
          // the rest of the body only arrives once the client has its answer
          await released;
          controller.enqueue(text.slice(10));
        } else {
          controller.close();
          finished();
        }
      },
    });
    const response = await handler(
      new Request('http://127.0.0.1/api/collections/c/objects/', {
        method: 'POST',
        headers: { ...WRITER, 'content-type': TAXII },
        body,
        duplex: 'half',
      } as RequestInit),
    );
    expect(response.status).toBe(503);
    expect(response.headers.get('retry-after')).toBe('1');
    release();
    // Either the handler stopped reading (the stream is cancelled), or it reads to the end;
    // give the abandoned request every chance to reach the storage before looking.
    await Promise.race([fullyRead, sleep(200)]);
    await sleep(50);
    const page = await storage.queryObjects('c', {
      after: 0,
      limit: 10,
      versions: { all: true, first: false, last: false, keys: [] },
    });
    expect(page.objects).toEqual([]);
  });

  it('over HTTP: a slow body gets 503 and nothing of it is stored', async () => {
    const storage = new MemoryStorage();
    const server = await serve(
      createTaxiiHandler({
        title: 'T',
        cursorSecret: 'hostile-secret-0123456789',
        storage,
        auth: {
          apiKeys: [{ principal: 'w', hash: await hashApiKey('writer-key-0123456789abcdef') }],
        },
        limits: { requestTimeoutMs: 50 },
        apiRoots: [
          {
            path: 'api',
            title: 'A',
            collections: [{ id: 'c', title: 'C', canRead: ['w'], canWrite: ['w'] }],
          },
        ],
      }),
    );
    try {
      const body = JSON.stringify({ objects: [indicator(3)] });
      const url = new URL(server.url);
      const req = httpRequest({
        host: url.hostname,
        port: url.port,
        method: 'POST',
        path: '/api/collections/c/objects/',
        headers: {
          ...WRITER,
          'content-type': TAXII,
          'content-length': String(Buffer.byteLength(body)),
        },
      });
      const answered = new Promise<{ status: number; retryAfter: unknown }>((resolve, reject) => {
        req.on('response', (res) => {
          res.resume();
          res.on('end', () =>
            resolve({ status: res.statusCode ?? 0, retryAfter: res.headers['retry-after'] }),
          );
        });
        req.on('error', reject);
      });
      req.write(body.slice(0, 20));
      // the rest of the body is sent only after the answer has arrived
      expect(await answered).toEqual({ status: 503, retryAfter: '1' });
      await new Promise<void>((resolve) => {
        req.on('error', () => resolve());
        req.end(body.slice(20), () => resolve());
      });
      await sleep(100);
      const page = await storage.queryObjects('c', {
        after: 0,
        limit: 10,
        versions: { all: true, first: false, last: false, keys: [] },
      });
      expect(page.objects).toEqual([]);
    } finally {
      await server.close();
    }
  });

  it('finishes a write it has started and answers 202 even past the timeout', async () => {
    const inner = new MemoryStorage();
    let resume!: () => void;
    const writing = new Promise<void>((resolve) => {
      resume = resolve;
    });
    let started!: () => void;
    const writeStarted = new Promise<void>((resolve) => {
      started = resolve;
    });
    const storage: TaxiiStorage = {
      addObjects: async (collection, objects) => {
        started();
        await writing;
        return inner.addObjects(collection, objects);
      },
      queryObjects: (collection, query) => inner.queryObjects(collection, query),
      deleteObject: (collection, id, versions) => inner.deleteObject(collection, id, versions),
      putStatus: (status) => inner.putStatus(status),
      getStatus: (id) => inner.getStatus(id),
      close: () => inner.close(),
    };
    const handler = createTaxiiHandler({
      title: 'T',
      cursorSecret: 'hostile-secret-0123456789',
      storage,
      auth: {
        apiKeys: [{ principal: 'w', hash: await hashApiKey('writer-key-0123456789abcdef') }],
      },
      limits: { requestTimeoutMs: 50 },
      apiRoots: [
        {
          path: 'api',
          title: 'A',
          collections: [{ id: 'c', title: 'C', canRead: ['w'], canWrite: ['w'] }],
        },
      ],
    });
    const answer = handler(
      new Request('http://127.0.0.1/api/collections/c/objects/', {
        method: 'POST',
        headers: { ...WRITER, 'content-type': TAXII },
        body: JSON.stringify({ objects: [indicator(2)] }),
      }),
    );
    await writeStarted;
    await sleep(120); // past requestTimeoutMs while the storage is committing
    resume();
    const response = await answer;
    expect(response.status).toBe(202);
    const status = await response.json();
    expect(status.success_count).toBe(1);
    const page = await inner.queryObjects('c', {
      after: 0,
      limit: 10,
      versions: { all: true, first: false, last: false, keys: [] },
    });
    expect(page.objects.map((o) => o.id)).toEqual([indicator(2).id]);
  });
});

/** A GET of the discovery endpoint over HTTP from a chosen local (client) address. */
function getFrom(
  base: string,
  localAddress: string,
  authorization: string,
): Promise<{ status: number; retryAfter: string | undefined }> {
  const url = new URL('/taxii2/', base);
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      {
        host: url.hostname,
        port: url.port,
        path: url.pathname,
        localAddress,
        headers: { accept: TAXII, authorization },
        agent: false,
      },
      (res) => {
        res.resume();
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, retryAfter: res.headers['retry-after'] }),
        );
      },
    );
    req.on('error', reject);
    req.end();
  });
}

describe('sign-in throttling', () => {
  let server: RunningServer;

  beforeAll(async () => {
    server = await serve(
      createTaxiiHandler({
        title: 'T',
        cursorSecret: 'hostile-secret-0123456789',
        storage: new MemoryStorage(),
        auth: { users: [{ username: 'owner', passwordHash: await hashPassword('0wner-pa55') }] },
        // A clock that stands still: no bucket refills while PBKDF2 runs on a slow machine.
        now: () => 1_800_000_000_000,
        apiRoots: [
          {
            path: 'api',
            title: 'A',
            collections: [{ id: 'c', title: 'C', canRead: ['owner'] }],
          },
        ],
      }),
    );
  });
  afterAll(() => server.close());

  it('throttles guesses from one address without locking the owner out at another', async () => {
    const basic = (password: string) => `Basic ${btoa(`owner:${password}`)}`;
    const attacker = [];
    for (let i = 0; i < 12; i++)
      attacker.push(await getFrom(server.url, '127.0.0.2', basic(`x${i}`)));
    expect(attacker.slice(0, 10).every((r) => r.status === 401)).toBe(true);
    expect(attacker.at(-1)).toEqual({ status: 429, retryAfter: '1' });
    // the attacker's address is still throttled, even with the right password
    expect((await getFrom(server.url, '127.0.0.2', basic('0wner-pa55'))).status).toBe(429);
    // the owner, from their own address, signs in
    expect((await getFrom(server.url, '127.0.0.1', basic('0wner-pa55'))).status).toBe(200);
  });

  it('throttles one address guessing many user names', async () => {
    const results = [];
    for (let i = 0; i < 40; i++) {
      const who = `user${i}`;
      results.push(await getFrom(server.url, '127.0.0.3', `Basic ${btoa(`${who}:guess`)}`));
    }
    expect(results.some((r) => r.status === 429)).toBe(true);
    expect(
      (await getFrom(server.url, '127.0.0.1', `Basic ${btoa('owner:0wner-pa55')}`)).status,
    ).toBe(200);
  });
});

describe('object types named like Object.prototype properties', () => {
  const PROVIDER = 'identity--8ce3f695-d5a4-4dc8-9e93-a65af453a31a';
  const PARTNERS = [
    'identity--03e23f6c-0ac9-4b47-9c84-f718132adb21',
    'identity--5f4a0a61-1b6e-4c77-9d55-0e4e2a1f7b10',
  ];
  let server: RunningServer;
  const errors: unknown[] = [];

  beforeAll(async () => {
    const agreement = parseAgreement({
      id: 'mou',
      version: '1',
      title: 'MoU',
      effective: { from: '2024-01-01T00:00:00Z' },
      purposes: ['detection'],
      parties: [
        { identity: PROVIDER, name: 'CERT', role: 'provider' },
        ...PARTNERS.map((identity, i) => ({ identity, name: `P${i}`, role: 'recipient' })),
      ],
      recipients: [{ match: { identities: PARTNERS }, maxTlp: 'green' }],
      unmarkedTlp: 'green',
    });
    const auditLog = new AuditLog();
    server = await serve(
      createTaxiiHandler({
        title: 'CERT',
        cursorSecret: 'hostile-secret-0123456789',
        storage: new MemoryStorage(),
        allowCustomContent: true,
        onError: (error) => errors.push(error),
        auth: {
          apiKeys: [
            { principal: 'writer', hash: await hashApiKey('writer-key-0123456789abcdef') },
            ...(await Promise.all(
              PARTNERS.map(async (_, i) => ({
                principal: `p${i}`,
                hash: await hashApiKey(`partner-${i}-key-0123456789`),
              })),
            )),
          ],
        },
        apiRoots: [
          {
            path: 'cert',
            title: 'CERT',
            collections: [
              { id: 'internal', title: 'I', canRead: ['writer'], canWrite: ['writer'] },
            ],
          },
          ...PARTNERS.map((identity, i) => ({
            path: `p${i}`,
            title: `P${i}`,
            collections: [
              {
                id: 'shared',
                title: 'Shared',
                canRead: [`p${i}`],
                view: policyView({
                  source: 'internal',
                  agreement,
                  auditLog,
                  recipient: { identity },
                }),
              },
            ],
          })),
        ],
      }),
    );
  });
  afterAll(() => server.close());

  it('keeps every partner view answering after such objects are posted', async () => {
    const green = [TLP2_MARKING_IDS['TLP:GREEN']];
    const hostile = ['constructor', 'toString', '__proto__', 'valueof'].map((type, n) => ({
      type,
      spec_version: '2.1',
      id: `${type}--${uuidFor(n, 0x19)}`,
      created: '2024-05-01T00:00:00.000Z',
      modified: '2024-05-01T00:00:00.000Z',
      object_marking_refs: green,
    }));
    const plain = { ...indicator(7, '2024-05-01T00:00:00.000Z', 0x19), object_marking_refs: green };
    for (const object of [...hostile, plain]) {
      const posted = await fetch(`${server.url}/cert/collections/internal/objects/`, {
        method: 'POST',
        headers: { ...WRITER, 'content-type': TAXII },
        body: JSON.stringify({ objects: [object] }),
      });
      expect(posted.status).toBe(202);
    }
    for (const [i] of PARTNERS.entries()) {
      const headers = { accept: TAXII, authorization: `Bearer partner-${i}-key-0123456789` };
      for (const limit of [1, 2, 100]) {
        const ids: string[] = [];
        let next: string | undefined;
        do {
          const response = await fetch(
            `${server.url}/p${i}/collections/shared/objects/?limit=${limit}${next ? `&next=${next}` : ''}`,
            { headers },
          );
          expect(response.status).toBe(200);
          const body = (await response.json()) as { objects: { id: string }[]; next?: string };
          ids.push(...body.objects.map((o) => o.id));
          next = body.next;
        } while (next);
        expect(ids).toContain(plain.id);
        // nothing of the hostile objects leaks unprojected: whatever is shared was projected
        expect(ids.filter((id) => id === plain.id)).toHaveLength(1);
      }
      const manifest = await fetch(`${server.url}/p${i}/collections/shared/manifest/`, { headers });
      expect(manifest.status).toBe(200);
    }
  });
});

describe('a projection that fails on one object', () => {
  async function viewHandler(project: CollectionView['project'], errors: unknown[]) {
    const storage = new MemoryStorage();
    const handler = createTaxiiHandler({
      title: 'T',
      cursorSecret: 'hostile-secret-0123456789',
      storage,
      allowCustomContent: true,
      onError: (error) => errors.push(error),
      auth: {
        apiKeys: [{ principal: 'w', hash: await hashApiKey('writer-key-0123456789abcdef') }],
      },
      apiRoots: [
        {
          path: 'api',
          title: 'A',
          collections: [
            { id: 'src', title: 'S', canRead: ['w'], canWrite: ['w'] },
            { id: 'view', title: 'V', canRead: ['w'], view: { source: 'src', project } },
          ],
        },
      ],
    });
    const objects = [indicator(1), { ...indicator(2), name: 'poison' }, indicator(3)];
    const posted = await handler(
      new Request('http://127.0.0.1/api/collections/src/objects/', {
        method: 'POST',
        headers: { ...WRITER, 'content-type': TAXII },
        body: JSON.stringify({ objects }),
      }),
    );
    expect((await posted.json()).success_count).toBe(3);
    return (limit: number) =>
      handler(
        new Request(`http://127.0.0.1/api/collections/view/objects/?limit=${limit}`, {
          headers: WRITER,
        }),
      );
  }

  it('withholds that object only and reports it, for every page size', async () => {
    const errors: unknown[] = [];
    const get = await viewHandler((objects) => {
      if (objects.some((o) => o.name === 'poison')) throw new TypeError('x is not iterable');
      return objects;
    }, errors);
    for (const limit of [1, 3]) {
      const response = await get(limit);
      expect(response.status).toBe(200);
      const body = await response.json();
      if (limit === 3) {
        expect(body.objects.map((o: { id: string }) => o.id)).toEqual([
          indicator(1).id,
          indicator(3).id,
        ]);
      }
    }
    expect(errors.length).toBeGreaterThan(0);
    expect(errors.every((e) => e instanceof ProjectionError)).toBe(true);
    expect((errors[0] as ProjectionError).objectId).toBe(indicator(2).id);
  });

  it('fails the request (fail closed) when the projection fails for everything', async () => {
    const errors: unknown[] = [];
    const get = await viewHandler(() => {
      throw new Error('audit log unavailable');
    }, errors);
    const response = await get(3);
    expect(response.status).toBe(500);
    expect(await response.text()).not.toContain(indicator(1).id);
  });
});

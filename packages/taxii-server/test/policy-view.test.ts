// Per-partner views through @intelshare/policy over real HTTP: what the agreement allows,
// nothing else, every read in the hash-chained audit log; and the config-file path to it.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  AsyncAuditLog,
  type AsyncAuditStore,
  AuditLog,
  asyncAuditStore,
  MemoryAuditStore,
  parseAgreement,
  TLP2_MARKING_IDS,
  verifyAuditChain,
} from '@intelshare/policy';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createTaxiiHandler,
  hashApiKey,
  loadServerConfig,
  MemoryStorage,
  policyView,
  storageSourceCollection,
  TAXII_MEDIA_TYPE,
  toTaxiiServerConfig,
} from '../src/index';
import { type RunningServer, serve } from '../src/node/index';
import { SqliteAuditStore } from '../src/sqlite/index';
import { indicator, toNew } from './support/objects';

const PROVIDER = 'identity--8ce3f695-d5a4-4dc8-9e93-a65af453a31a';
const PARTNER = 'identity--03e23f6c-0ac9-4b47-9c84-f718132adb21';
const AGREEMENT = {
  id: 'mou-cert-partner',
  version: '1.0.0',
  title: 'CERT ⇄ Partner MoU',
  effective: { from: '2024-01-01T00:00:00Z' },
  purposes: ['detection'],
  parties: [
    { identity: PROVIDER, name: 'CERT', role: 'provider' },
    { identity: PARTNER, name: 'Partner', role: 'recipient' },
  ],
  recipients: [{ match: { identities: [PARTNER] }, maxTlp: 'green' }],
  unmarkedTlp: 'green',
};
const TAXII = { accept: TAXII_MEDIA_TYPE };
const CERT = { ...TAXII, authorization: 'Bearer cert-key-0123456789abcdef' };
const PARTNER_KEY = { ...TAXII, authorization: 'Bearer partner-key-0123456789abcdef' };

const marked = (n: number, tlp: keyof typeof TLP2_MARKING_IDS) => ({
  ...indicator(n, '2024-05-01T00:00:00.000Z', 77),
  object_marking_refs: [TLP2_MARKING_IDS[tlp]],
});

async function readAll(base: string, path: string, headers: Record<string, string>) {
  const objects: Record<string, unknown>[] = [];
  let next: string | undefined;
  do {
    const response = await fetch(`${base}${path}?limit=2${next ? `&next=${next}` : ''}`, {
      headers,
    });
    expect(response.status).toBe(200);
    const first = response.headers.get('x-taxii-date-added-first');
    const last = response.headers.get('x-taxii-date-added-last');
    if (first !== null) expect(first <= last!).toBe(true);
    const body = await response.json();
    objects.push(...body.objects);
    next = body.next;
  } while (next);
  return objects;
}

describe('policy views', () => {
  let server: RunningServer;
  const auditLog = new AuditLog();

  beforeAll(async () => {
    server = await serve(
      createTaxiiHandler({
        title: 'CERT',
        cursorSecret: 'policy-view-secret-0123456789',
        storage: new MemoryStorage(),
        auth: {
          apiKeys: [
            { principal: 'cert', hash: await hashApiKey('cert-key-0123456789abcdef') },
            { principal: 'partner', hash: await hashApiKey('partner-key-0123456789abcdef') },
          ],
        },
        apiRoots: [
          {
            path: 'internal',
            title: 'Internal',
            collections: [{ id: 'all', title: 'All intel', canRead: ['cert'], canWrite: ['cert'] }],
          },
          {
            path: 'partner',
            title: 'Partner',
            collections: [
              {
                id: 'mou',
                title: 'Shared under the MoU',
                canRead: ['partner'],
                view: policyView({
                  source: 'all',
                  agreement: parseAgreement(AGREEMENT),
                  recipient: { identity: PARTNER },
                  auditLog,
                }),
              },
            ],
          },
        ],
      }),
    );
    const post = await fetch(`${server.url}/internal/collections/all/objects/`, {
      method: 'POST',
      headers: { ...CERT, 'content-type': TAXII_MEDIA_TYPE },
      body: JSON.stringify({
        objects: [
          marked(1, 'TLP:GREEN'),
          marked(2, 'TLP:RED'),
          marked(3, 'TLP:AMBER'),
          marked(4, 'TLP:CLEAR'),
          marked(5, 'TLP:AMBER+STRICT'),
        ],
      }),
    });
    expect((await post.json()).success_count).toBe(5);
  });
  afterAll(async () => {
    await server?.close();
  });

  it('shares only what the agreement allows, and keeps the partner out of the source', async () => {
    const shared = await readAll(server.url, '/partner/collections/mou/objects/', PARTNER_KEY);
    const indicators = shared.filter((o) => o.type === 'indicator').map((o) => o.id);
    expect(indicators.sort()).toEqual(
      [marked(1, 'TLP:GREEN').id, marked(4, 'TLP:CLEAR').id].sort(),
    );
    const text = JSON.stringify(shared);
    for (const n of [2, 3, 5]) expect(text).not.toContain(marked(n, 'TLP:RED').id);
    // the source itself does not exist for the partner
    expect(
      (await fetch(`${server.url}/internal/collections/all/objects/`, { headers: PARTNER_KEY }))
        .status,
    ).toBe(404);
    expect(
      (await fetch(`${server.url}/partner/collections/mou/objects/`, { headers: CERT })).status,
    ).toBe(404);
  });

  it('lets a client resume a view with added_after = X-TAXII-Date-Added-Last without repeats', async () => {
    const page = await fetch(`${server.url}/partner/collections/mou/objects/?limit=2`, {
      headers: PARTNER_KEY,
    });
    const firstPage = (await page.json()).objects.map((o: { id: string }) => o.id);
    const last = page.headers.get('x-taxii-date-added-last')!;
    const rest = await fetch(`${server.url}/partner/collections/mou/objects/?added_after=${last}`, {
      headers: PARTNER_KEY,
    });
    const ids = (await rest.json()).objects
      .filter((o: { type: string }) => o.type === 'indicator')
      .map((o: { id: string }) => o.id);
    for (const id of ids) expect(firstPage).not.toContain(id);
  });

  it('appends every read to the policy audit log, hash-chained, naming the reader', async () => {
    const before = auditLog.entries().length;
    await readAll(server.url, '/partner/collections/mou/objects/', PARTNER_KEY);
    const entries = auditLog.entries().slice(before);
    expect(entries.length).toBeGreaterThanOrEqual(1);
    expect(entries[0]).toMatchObject({
      recipient: PARTNER,
      agreement: { id: 'mou-cert-partner', version: '1.0.0' },
    });
    expect(entries[0]!.actor).toBe('taxii:partner/mou:partner');
    expect(verifyAuditChain(auditLog.entries()).valid).toBe(true);
    const withheld = entries
      .flatMap((e) => e.decisions)
      .filter(([, action]) => action === 'withhold')
      .map(([id]) => id);
    expect(withheld).toContain(marked(2, 'TLP:RED').id);
  });
});

describe('config file', () => {
  const yaml = `
title: CERT from a file
cursorSecret: env:TEST_CURSOR_SECRET
storage: "memory:"
auth:
  apiKeys:
    - { principal: partner, hash: "HASH" }
limits: { maxPageSize: 500 }
agreements:
  mou: ${JSON.stringify(AGREEMENT)}
apiRoots:
  - path: internal
    title: Internal
    collections:
      - { id: all, title: All, canRead: [cert], canWrite: [cert] }
  - path: partner
    title: Partner
    collections:
      - id: drop
        title: Drop box
        canWrite: [partner]
      - id: mou
        title: Shared under the MoU
        canRead: [partner]
        view: { source: all, agreement: mou, recipient: "${PARTNER}" }
`;

  it('loads YAML into a working server with policy views and an audit log', async () => {
    const file = loadServerConfig(
      yaml.replace('HASH', await hashApiKey('partner-key-0123456789abcdef')),
    );
    expect(file.limits.maxPageSize).toBe(500);
    expect(file.limits.defaultPageSize).toBe(100);
    const storage = new MemoryStorage();
    const auditLog = new AuditLog();
    const config = toTaxiiServerConfig(file, {
      storage,
      auditLog,
      env: { TEST_CURSOR_SECRET: 'from-the-environment-0123' },
    });
    expect(config.cursorSecret).toBe('from-the-environment-0123');
    await storage.addObjects('all', [
      {
        id: marked(9, 'TLP:GREEN').id,
        type: 'indicator',
        specVersion: '2.1',
        version: '2024-05-01T00:00:00.000Z',
        versionKey: '2024-05-01T00:00:00.000000000',
        body: JSON.stringify(marked(9, 'TLP:GREEN')),
      },
    ]);
    const handler = createTaxiiHandler(config);
    const response = await handler(
      new Request('http://x/partner/collections/mou/objects/', { headers: PARTNER_KEY }),
    );
    expect(response.status).toBe(200);
    const body = await response.json();
    expect(body.objects.map((o: { id: string }) => o.id)).toContain(marked(9, 'TLP:GREEN').id);
    expect(auditLog.entries()).toHaveLength(1);
  });

  it('reports every problem with its path', () => {
    expect(() =>
      loadServerConfig('title: x\ncursorSecret: short\napiRoots: []\nstorage: ftp://x'),
    ).toThrowErrorMatchingInlineSnapshot(
      `[IntelshareError: Invalid server config: storage: use \`memory:\`, \`sqlite:<file>\` or \`postgres://…\`; cursorSecret: Too small: expected string to have >=16 characters; apiRoots: Too small: expected array to have >=1 items]`,
    );
    expect(() => loadServerConfig('title: [unclosed')).toThrow(/not valid YAML or JSON/);
    const file = loadServerConfig(yaml.replace('HASH', `sha256:${'0'.repeat(64)}`));
    expect(() => toTaxiiServerConfig(file, { storage: new MemoryStorage(), env: {} })).toThrow(
      'cursorSecret: Environment variable `TEST_CURSOR_SECRET` (cursorSecret) is not set.',
    );
    const missing = loadServerConfig(
      yaml.replace('HASH', `sha256:${'0'.repeat(64)}`).replace('agreement: mou', 'agreement: nope'),
    );
    expect(() =>
      toTaxiiServerConfig(missing, {
        storage: new MemoryStorage(),
        env: { TEST_CURSOR_SECRET: 'x'.repeat(20) },
      }),
    ).toThrow('apiRoots[1].collections[1].view: No agreement named `nope` in `agreements`.');
  });
});

describe('SqliteAuditStore', () => {
  it('keeps the hash-chained audit log across restarts, append-only', () => {
    const dir = mkdtempSync(join(tmpdir(), 'taxii-audit-'));
    try {
      const file = join(dir, 'audit.db');
      const record = (n: number) => ({
        time: `2026-01-0${n}T00:00:00.000Z`,
        actor: 'taxii:partner/mou:partner',
        recipient: PARTNER,
        agreement: { id: 'mou-cert-partner', version: '1.0.0' },
        inputHash: 'a'.repeat(64),
        outputHash: 'b'.repeat(64),
        counts: { share: n, 'share-redacted': 0, withhold: 0 },
        decisions: [[`indicator--${n}`, 'share', []]] as [string, string, string[]][],
      });
      const first = new SqliteAuditStore(file);
      const log = new AuditLog(first);
      log.append(record(1));
      log.append(record(2));
      const head = log.head();
      first.close();
      const again = new SqliteAuditStore(file);
      const reopened = new AuditLog(again);
      expect(reopened.entries()).toHaveLength(2);
      expect(reopened.head()).toBe(head);
      reopened.append(record(3));
      expect(verifyAuditChain(reopened.entries()).valid).toBe(true);
      expect(() => again.append({ ...reopened.entries()[0]! })).toThrow(/UNIQUE|PRIMARY/);
      again.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('policy views with an AsyncAuditLog', () => {
  /** An async store that answers later than the projection, or fails when told to. */
  function slowStore(memory: MemoryAuditStore, fail: { now: boolean }): AsyncAuditStore {
    const inner = asyncAuditStore(memory);
    return {
      ...inner,
      async appendNext(next) {
        await new Promise((resolve) => setTimeout(resolve, 5));
        if (fail.now) throw new Error('the audit database is unreachable');
        return inner.appendNext(next);
      },
    };
  }

  it('appends every read before answering it, and fails the read when the append fails', async () => {
    const memory = new MemoryAuditStore();
    const fail = { now: false };
    const auditLog = new AsyncAuditLog(slowStore(memory, fail));
    const storage = new MemoryStorage();
    await storage.addObjects('all', [toNew(marked(1, 'TLP:GREEN')), toNew(marked(2, 'TLP:RED'))]);
    const server = await serve(
      createTaxiiHandler({
        title: 'CERT',
        cursorSecret: 'policy-view-secret-0123456789',
        storage,
        auth: {
          apiKeys: [
            { principal: 'partner', hash: await hashApiKey('partner-key-0123456789abcdef') },
          ],
        },
        apiRoots: [
          {
            path: 'internal',
            title: 'Internal',
            collections: [{ id: 'all', title: 'All intel', canRead: [] }],
          },
          {
            path: 'partner',
            title: 'Partner',
            collections: [
              {
                id: 'mou',
                title: 'Shared under the MoU',
                canRead: ['partner'],
                view: policyView({
                  source: 'all',
                  agreement: parseAgreement(AGREEMENT),
                  recipient: { identity: PARTNER },
                  auditLog,
                }),
              },
            ],
          },
        ],
      }),
    );
    try {
      const response = await fetch(`${server.url}/partner/collections/mou/objects/`, {
        headers: PARTNER_KEY,
      });
      expect(response.status).toBe(200);
      await response.json();
      // appended before the answer: already there when the response has arrived
      const entries = memory.entries();
      expect(entries).toHaveLength(1);
      expect(entries[0]).toMatchObject({ actor: 'taxii:partner/mou:partner', recipient: PARTNER });
      expect(entries[0]!.decisions).toContainEqual(
        expect.arrayContaining([marked(2, 'TLP:RED').id, 'withhold']),
      );
      expect((await auditLog.verify()).valid).toBe(true);

      fail.now = true;
      const refused = await fetch(`${server.url}/partner/collections/mou/objects/`, {
        headers: PARTNER_KEY,
      });
      expect(refused.status).toBe(500);
      expect(JSON.stringify(await refused.json())).not.toContain(marked(1, 'TLP:GREEN').id);
    } finally {
      await server.close();
    }
  });
});

describe('policyView().preview', () => {
  it('decides a page as a read does, with every decision, and leaves the audit log alone', async () => {
    const storage = new MemoryStorage();
    await storage.addObjects('all', [toNew(marked(1, 'TLP:GREEN')), toNew(marked(2, 'TLP:RED'))]);
    const auditLog = new AuditLog();
    const view = policyView({
      source: 'all',
      agreement: parseAgreement(AGREEMENT),
      recipient: { identity: PARTNER },
      auditLog,
      now: () => Date.parse('2026-06-01T00:00:00Z'),
    });
    const page = [marked(1, 'TLP:GREEN'), marked(2, 'TLP:RED')];
    const context = () => ({
      principal: 'partner',
      apiRoot: 'partner',
      collection: 'mou',
      sourceCollection: storageSourceCollection(storage, 'all'),
      sourceMarker: () => storage.changeMarker('all'),
    });
    const previewed = await view.preview(page, context());
    expect(auditLog.entries()).toHaveLength(0);
    expect(previewed.decisions.map((d) => [d.id, d.action])).toEqual([
      [marked(1, 'TLP:GREEN').id, 'share'],
      [marked(2, 'TLP:RED').id, 'withhold'],
    ]);
    const read = await view.project(page, context());
    expect(read).toEqual(previewed.objects);
    expect(auditLog.entries()).toHaveLength(1);
  });
});

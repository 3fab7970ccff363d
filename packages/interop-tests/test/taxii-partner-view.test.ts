// The headline flow: a partner points the @intelshare/feeds TaxiiClient at the server and
// receives exactly what its sharing agreement allows, each read in the policy audit log.
import { TaxiiClient } from '@intelshare/feeds';
import { AuditLog, parseAgreement, TLP2_MARKING_IDS, verifyAuditChain } from '@intelshare/policy';
import {
  createTaxiiHandler,
  hashApiKey,
  MemoryStorage,
  policyView,
} from '@intelshare/taxii-server';
import { type RunningServer, serve } from '@intelshare/taxii-server/node';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { indicator } from './support/stix';

const CERT = 'identity--8ce3f695-d5a4-4dc8-9e93-a65af453a31a';
const PARTNER_A = 'identity--03e23f6c-0ac9-4b47-9c84-f718132adb21';
const PARTNER_B = 'identity--0b1c2d3e-4f5a-4b6c-8d7e-9f0a1b2c3d4e';

const agreementFor = (partner: string, maxTlp: string) =>
  parseAgreement({
    id: `cert-${partner.slice(10, 18)}`,
    version: '1.0.0',
    title: 'CERT sharing',
    effective: { from: '2024-01-01T00:00:00Z' },
    purposes: ['detection'],
    parties: [
      { identity: CERT, name: 'CERT', role: 'provider' },
      { identity: partner, name: 'Partner', role: 'recipient' },
    ],
    recipients: [{ match: { identities: [partner] }, maxTlp }],
  });

const marked = (n: number, tlp: keyof typeof TLP2_MARKING_IDS) => ({
  ...indicator(n, 42),
  object_marking_refs: [TLP2_MARKING_IDS[tlp]],
});

let server: RunningServer;
const auditLog = new AuditLog();
const objects = [
  marked(1, 'TLP:CLEAR'),
  marked(2, 'TLP:GREEN'),
  marked(3, 'TLP:AMBER'),
  marked(4, 'TLP:AMBER+STRICT'),
  marked(5, 'TLP:RED'),
];

beforeAll(async () => {
  const key = (name: string) => `${name}-key-0123456789abcdef`;
  server = await serve(
    createTaxiiHandler({
      title: 'CERT',
      cursorSecret: 'partner-view-secret-0123456789',
      storage: new MemoryStorage(),
      auth: {
        apiKeys: await Promise.all(
          ['cert', 'partner-a', 'partner-b'].map(async (principal) => ({
            principal,
            hash: await hashApiKey(key(principal)),
          })),
        ),
      },
      apiRoots: [
        {
          path: 'internal',
          title: 'Internal',
          collections: [{ id: 'intel', title: 'Intel', canRead: ['cert'], canWrite: ['cert'] }],
        },
        {
          path: 'partner-a',
          title: 'Partner A',
          principals: ['partner-a'],
          collections: [
            {
              id: 'shared',
              title: 'Shared',
              canRead: ['partner-a'],
              view: policyView({
                source: 'intel',
                agreement: agreementFor(PARTNER_A, 'green'),
                recipient: { identity: PARTNER_A },
                auditLog,
              }),
            },
          ],
        },
        {
          path: 'partner-b',
          title: 'Partner B',
          principals: ['partner-b'],
          collections: [
            {
              id: 'shared',
              title: 'Shared',
              canRead: ['partner-b'],
              view: policyView({
                source: 'intel',
                agreement: agreementFor(PARTNER_B, 'amber'),
                recipient: { identity: PARTNER_B },
                auditLog,
              }),
            },
          ],
        },
      ],
    }),
  );
  const cert = new TaxiiClient({
    url: server.url,
    auth: { type: 'bearer', token: key('cert') },
    retry: 0,
  });
  const status = await cert.addObjects(`${server.url}/internal/`, 'intel', objects);
  expect(status.success_count).toBe(5);
});
afterAll(async () => {
  await server?.close();
});

async function pull(partner: 'partner-a' | 'partner-b') {
  const client = new TaxiiClient({
    url: server.url,
    auth: { type: 'bearer', token: `${partner}-key-0123456789abcdef` },
    retry: 0,
  });
  const discovery = await client.discover();
  expect(discovery.api_roots).toEqual([`${server.url}/${partner}/`]);
  const ids: string[] = [];
  for await (const object of client.objects(`${server.url}/${partner}/`, 'shared', { limit: 2 })) {
    if (object.type === 'indicator') ids.push(object.id);
  }
  return ids.sort();
}

it('each partner pulls exactly what its own agreement allows, and nothing of the other', async () => {
  expect(await pull('partner-a')).toEqual([objects[0]!.id, objects[1]!.id].sort());
  expect(await pull('partner-b')).toEqual([objects[0]!.id, objects[1]!.id, objects[2]!.id].sort());
  const partnerA = new TaxiiClient({
    url: server.url,
    auth: { type: 'bearer', token: 'partner-a-key-0123456789abcdef' },
    retry: 0,
  });
  await expect(partnerA.collections(`${server.url}/partner-b/`)).rejects.toMatchObject({
    status: 404,
  });
  await expect(partnerA.getObjects(`${server.url}/internal/`, 'intel')).rejects.toMatchObject({
    status: 404,
  });
});

it('records every read in the hash-chained audit log, per recipient', () => {
  const recipients = new Set(auditLog.entries().map((e) => e.recipient));
  expect(recipients).toEqual(new Set([PARTNER_A, PARTNER_B]));
  expect(verifyAuditChain(auditLog.entries()).valid).toBe(true);
  const red = objects[4]!.id;
  for (const entry of auditLog.entries()) {
    for (const [id, action] of entry.decisions) if (id === red) expect(action).toBe('withhold');
  }
});

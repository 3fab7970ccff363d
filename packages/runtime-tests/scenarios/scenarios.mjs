// One scenario per package, written once in plain ESM against web standards only, and run
// unchanged in every runtime of the matrix from the packed tarballs. Each returns plain
// data; the test compares every runtime's results with the host Node's, and checks the
// host's against what the specs say must happen.
import { TaxiiClient } from '@intelshare/feeds';
import {
  AuditLog,
  parseAgreement,
  project,
  TLP2_MARKING_IDS,
  verifyAuditChain,
} from '@intelshare/policy';
import { parseStix } from '@intelshare/stix';
import { IndicatorIndex } from '@intelshare/stix/patterns';
import { createTaxiiHandler, hashApiKey, MemoryStorage } from '@intelshare/taxii-server';

const PROVIDER = 'identity--5a1c5b2e-8f3d-4c1a-9b7e-2d4f6a8c0e11';
/** The recipient party of `vendor-crime-agency-mou.yaml`, which ships with @intelshare/policy. */
const RECIPIENT = 'identity--7e3d9f1a-2b4c-4d6e-8f0a-1b3c5d7e9f22';
const CREATED = '2026-02-01T00:00:00.000Z';

function indicator(n, pattern, tlp) {
  return {
    type: 'indicator',
    spec_version: '2.1',
    id: `indicator--6b0a1c2d-3e4f-4a5b-8c6d-${n.toString(16).padStart(12, '0')}`,
    created: CREATED,
    modified: CREATED,
    created_by_ref: PROVIDER,
    name: `Indicator ${n}`,
    pattern,
    pattern_type: 'stix',
    valid_from: CREATED,
    object_marking_refs: [TLP2_MARKING_IDS[tlp]],
  };
}

/** A small bundle: the provider, three indicators at three TLP levels, malware, a relationship. */
export function sampleObjects() {
  const malware = {
    type: 'malware',
    spec_version: '2.1',
    id: 'malware--0c7b5e4a-3d2f-4e1a-9b8c-7d6e5f4a3b2c',
    created: CREATED,
    modified: CREATED,
    created_by_ref: PROVIDER,
    name: 'Example ransomware',
    is_family: true,
    object_marking_refs: [TLP2_MARKING_IDS['TLP:GREEN']],
  };
  const indicators = [
    indicator(1, "[ipv4-addr:value = '198.51.100.7']", 'TLP:CLEAR'),
    indicator(2, "[domain-name:value = 'c2.example.net']", 'TLP:AMBER'),
    indicator(3, "[ipv4-addr:value ISSUBSET '203.0.113.0/24']", 'TLP:RED'),
  ];
  return [
    {
      type: 'identity',
      spec_version: '2.1',
      id: PROVIDER,
      created: CREATED,
      modified: CREATED,
      name: 'Example Security Ltd',
      identity_class: 'organization',
    },
    ...indicators,
    malware,
    {
      type: 'relationship',
      spec_version: '2.1',
      id: 'relationship--1f2e3d4c-5b6a-4798-8a9b-0c1d2e3f4a5b',
      created: CREATED,
      modified: CREATED,
      created_by_ref: PROVIDER,
      relationship_type: 'indicates',
      source_ref: indicators[0].id,
      target_ref: malware.id,
      object_marking_refs: [TLP2_MARKING_IDS['TLP:CLEAR']],
    },
  ];
}

/** @intelshare/stix: parse and validate a bundle, one of whose patterns is broken. */
export function validateBundle() {
  const objects = sampleObjects();
  const broken = { ...objects[2], pattern: "[domain-name:value = 'c2.example.net'" };
  const text = JSON.stringify({
    type: 'bundle',
    id: 'bundle--2a3b4c5d-6e7f-4a8b-9c0d-1e2f3a4b5c6d',
    objects: [...objects.slice(0, 2), broken, ...objects.slice(3)],
  });
  const good = parseStix(
    JSON.stringify({ type: 'bundle', id: 'bundle--2a3b4c5d-6e7f-4a8b-9c0d-1e2f3a4b5c6d', objects }),
  );
  const bad = parseStix(new TextEncoder().encode(text));
  return {
    valid: { valid: good.valid, objects: good.objects.length, issues: good.issues.length },
    broken: {
      valid: bad.valid,
      errors: bad.issues
        .filter((issue) => issue.severity === 'error')
        .map((issue) => `${issue.path} ${issue.code}`),
    },
  };
}

/** @intelshare/stix/patterns: index the indicators, match observations against them. */
export function matchIndicators() {
  const index = new IndicatorIndex();
  index.add(sampleObjects().filter((object) => object.type === 'indicator'));
  const observe = (n, value, type) =>
    index
      .match({
        id: `observed-data--9a8b7c6d-5e4f-4a3b-8c2d-${n.toString(16).padStart(12, '0')}`,
        first_observed: '2026-03-01T00:00:00Z',
        last_observed: '2026-03-01T00:00:00Z',
        number_observed: 1,
        objects: { 0: { type, value } },
      })
      .map((match) => match.indicatorId)
      .sort();
  return {
    exactIp: observe(1, '198.51.100.7', 'ipv4-addr'),
    inSubnet: observe(2, '203.0.113.200', 'ipv4-addr'),
    domain: observe(3, 'c2.example.net', 'domain-name'),
    none: observe(4, '192.0.2.1', 'ipv4-addr'),
  };
}

/** @intelshare/policy: project the bundle for the MoU's recipient, with an audit log. */
export function projectForPartner(agreementText) {
  const agreement = parseAgreement(agreementText);
  const audit = new AuditLog();
  const objects = sampleObjects();
  const automated = project(
    objects,
    agreement,
    { identity: RECIPIENT, automated: true },
    {
      now: '2026-03-01T00:00:00Z',
      audit,
    },
  );
  const investigator = project(
    objects,
    agreement,
    { identity: RECIPIENT, individuals: ['det-insp-a-okafor'] },
    { now: '2026-03-01T00:01:00Z', audit },
  );
  const summary = (projection) => ({
    decisions: projection.decisions.map((decision) => `${decision.id} ${decision.action}`),
    sent: projection.bundle.objects
      .map((object) => object.id)
      .filter((id) => objects.some((original) => original.id === id))
      .sort(),
  });
  return {
    automated: summary(automated),
    investigator: summary(investigator),
    auditEntries: audit.entries().length,
    auditChainValid: verifyAuditChain(audit.entries()).valid,
  };
}

/** The publisher's API key; only the in-process seeding request uses it. */
const PUBLISHER_KEY = 'runtime-matrix-publisher-key-0123456789';

/**
 * @intelshare/taxii-server: a handler over memory storage. The first request seeds it with
 * the sample objects through the handler's own `POST …/objects/` (a worker may not do
 * asynchronous work at module scope); readers are anonymous.
 */
export function sampleTaxiiHandler() {
  let ready;
  const setUp = async (origin) => {
    const handler = createTaxiiHandler({
      title: 'Runtime matrix',
      cursorSecret: 'runtime-matrix-cursor-secret-0123456789',
      storage: new MemoryStorage(),
      auth: {
        anonymous: 'public',
        apiKeys: [{ principal: 'publisher', hash: await hashApiKey(PUBLISHER_KEY) }],
      },
      apiRoots: [
        {
          path: 'api',
          title: 'Public',
          collections: [{ id: 'intel', title: 'Intel', canRead: ['*'], canWrite: ['publisher'] }],
        },
      ],
    });
    const media = 'application/taxii+json;version=2.1';
    const response = await handler(
      new Request(`${origin}/api/collections/intel/objects/`, {
        method: 'POST',
        headers: { accept: media, 'content-type': media, authorization: `Bearer ${PUBLISHER_KEY}` },
        body: JSON.stringify({ objects: sampleObjects() }),
      }),
    );
    const status = await response.json();
    if (status.success_count !== sampleObjects().length) {
      throw new Error(
        `seeding the TAXII server failed: ${response.status} ${JSON.stringify(status)}`,
      );
    }
    return handler;
  };
  return async (request) => {
    ready ??= setUp(new URL(request.url).origin);
    return (await ready)(request);
  };
}

/** @intelshare/feeds: discover a TAXII server and pull every object, two a page. */
export async function pullAll(url) {
  const client = new TaxiiClient({ url, retry: 0 });
  const discovery = await client.discover();
  const apiRoot = discovery.api_roots[0];
  const ids = [];
  for await (const object of client.objects(apiRoot, 'intel', { limit: 2 })) ids.push(object.id);
  return { apiRoot: apiRoot.slice(url.length), ids: ids.sort() };
}

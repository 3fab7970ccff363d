import { createTaxiiHandler, MemoryStorage } from '../src/index';
import { CursorCodec } from '../src/pagination/cursor';

const s = new MemoryStorage();
function obj(n: number) {
  const id = `indicator--${(n >>> 16).toString(16).padStart(8, '0')}-0000-4000-8000-${n.toString(16).padStart(12, '0')}`;
  const body = JSON.stringify({
    type: 'indicator',
    spec_version: '2.1',
    id,
    created: '2024-01-01T00:00:00.000Z',
    modified: '2024-01-01T00:00:00.000Z',
    name: `C2 address ${n}`,
    indicator_types: ['malicious-activity'],
    pattern: `[ipv4-addr:value = '10.${(n >> 16) & 255}.${(n >> 8) & 255}.${n & 255}']`,
    pattern_type: 'stix',
    valid_from: '2024-01-01T00:00:00Z',
    object_marking_refs: ['marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb'],
  });
  return {
    id,
    type: 'indicator',
    specVersion: '2.1',
    version: '2024-01-01T00:00:00.000Z',
    versionKey: '2024-01-01T00:00:00.000000000',
    body,
  };
}
let first = 0;
for (let i = 0; i < 100000; i += 20000) {
  const r = await s.addObjects(
    'b',
    Array.from({ length: 20000 }, (_, k) => obj(i + k)),
  );
  if (i === 0) first = r[0]!.added;
}
const t = async (name: string, f: () => unknown, n = 200) => {
  await f();
  const t0 = performance.now();
  for (let i = 0; i < n; i++) await f();
  console.log(name, ((performance.now() - t0) / n).toFixed(3), 'ms');
};
const after = first + 50000;
const last = { all: false, first: false, last: true, keys: [] };
const page = await s.queryObjects('b', { after, limit: 1000, versions: last });
const text = `{"more":true,"objects":[${page.objects.map((o) => o.body).join(',')}]}`;
const parsed = JSON.parse(text);
await t('baseline stringify', () => JSON.stringify(parsed));
await t('storage', () => s.queryObjects('b', { after, limit: 1000, versions: last }));
await t('join', () => `{"more":true,"objects":[${page.objects.map((o) => o.body).join(',')}]}`);
await t('Response text', () => new Response(text).text());
await t('Response arrayBuffer', () => new Response(text).arrayBuffer());
const bytes = new TextEncoder().encode(text);
await t('Response bytes ab', () => new Response(bytes).arrayBuffer());
await t('Response bytes text', () => new Response(bytes).text());
await t('TextEncoder', () => new TextEncoder().encode(text));
await t('Buffer.from', () => Buffer.from(text));
const codec = new CursorCodec('0123456789abcdef0123');
await t('cursor', () => codec.encode(123456789, 'scope'));
const h = createTaxiiHandler({
  title: 'x',
  cursorSecret: '0123456789abcdef0123',
  storage: s,
  auth: { anonymous: 'a' },
  limits: { maxPageSize: 1000 },
  apiRoots: [{ path: 'api', title: 'a', collections: [{ id: 'b', title: 'b', canRead: ['*'] }] }],
});
const { microsToTimestamp } = await import('../src/time/timestamps');
const url = `http://x/api/collections/b/objects/?limit=1000&added_after=${microsToTimestamp(after)}`;
await t('handler ab', async () => (await h(new Request(url))).arrayBuffer());
await t('handler text', async () => (await h(new Request(url))).text());
if (process.env.PROF) {
  for (let i = 0; i < 2000; i++) await (await h(new Request(url))).arrayBuffer();
}
const { taxiiText } = await import('../src/handler/responses');
await t('manual path', async () => {
  const p = await s.queryObjects('b', { after, limit: 1000, versions: last });
  const items = p.objects.map((o) => ({
    id: o.id,
    added: o.added,
    version: o.version,
    body: o.body,
  }));
  const next = await codec.encode(items.at(-1)!.added, 'scope');
  let out = `{"more":${p.more}`;
  out += `,"next":${JSON.stringify(next)}`;
  out += `,"objects":[${items.map((i) => i.body).join(',')}]}`;
  return taxiiText(out, 200, {}).arrayBuffer();
});
await t('handler ab', async () => (await h(new Request(url))).arrayBuffer());
await t('manual path', async () => {
  const p = await s.queryObjects('b', { after, limit: 1000, versions: last });
  const items = p.objects.map((o) => ({
    id: o.id,
    added: o.added,
    version: o.version,
    body: o.body,
  }));
  const next = await codec.encode(items.at(-1)!.added, 'scope');
  let out = `{"more":${p.more}`;
  out += `,"next":${JSON.stringify(next)}`;
  out += `,"objects":[${items.map((i) => i.body).join(',')}]}`;
  return taxiiText(out, 200, {}).arrayBuffer();
});
await t('handler ab', async () => (await h(new Request(url))).arrayBuffer());

import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFixture, readJsonFixture } from '@intelshare/fixtures';
import { afterEach, describe, expect, it } from 'vitest';
import {
  FeedValidationError,
  isTaxiiError,
  MispFeedClient,
  type MispFeedState,
  MispRestClient,
  mispToStix,
  type StixObject,
  stixToMisp,
} from '../src/index';

const EVENTS = [
  'misp/feed-circl-osint-sample/5721c2e4-05ec-4af3-9264-411b950d210f.json',
  'misp/feed-circl-osint-sample/57e27c3d-17a8-4c3b-8195-493e950d210f.json',
  'misp/pymisp-tests/57c4445b-c548-4654-af0b-4be3950d210f.json',
  'misp/pymisp-tests/mispevent_testfiles/existing_event.json',
  'misp/pymisp-tests/reportlab_testfiles/mainly_objects_1.json',
  'misp/pymisp-tests/reportlab_testfiles/sighting_1.json',
  'misp/pymisp-tests/mispevent_testfiles/event_obj_attr_tag.json',
];

type Loose = Record<string, unknown> & { Attribute?: Loose[]; Object?: Loose[] };

function eventOf(value: unknown): Loose {
  return ((value as { Event?: unknown }).Event ?? value) as Loose;
}
function allValues(event: Loose): string[] {
  const values = (event.Attribute ?? []).map((a) => `${a.type}=${a.value}`);
  for (const object of event.Object ?? []) {
    for (const a of object.Attribute ?? [])
      values.push(`${object.name}/${a.object_relation}:${a.type}=${a.value}`);
  }
  return values.sort();
}

describe('MISP → STIX → MISP', () => {
  for (const file of EVENTS) {
    it(`keeps every attribute value of ${file.split('/').pop()}`, () => {
      const original = eventOf(readJsonFixture(file));
      if (!original.uuid) original.uuid = '5a3cd5b6-9568-4342-b2ab-4c62950d210f';
      if (!original.info) original.info = 'untitled';
      const { objects } = mispToStix(original);
      expect(objects[0]!.type).toBe('report');
      expect(new Set(objects.map((o) => o.id)).size).toBe(objects.length);
      const back = stixToMisp(JSON.parse(JSON.stringify(objects)) as StixObject[]);
      expect(back).toHaveLength(1);
      expect(allValues(back[0] as unknown as Loose)).toEqual(allValues(original));
      expect(back[0]!.uuid).toBe(original.uuid);
    });
  }

  it('maps the CIRCL Locky event: indicators with patterns, TLP marking, notes for links', () => {
    const { objects, issues } = mispToStix(readJsonFixture(EVENTS[0]!));
    const byType = (type: string) => objects.filter((o) => o.type === type);
    const report = objects[0]!;
    expect(report.object_marking_refs).toEqual([
      'marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487',
    ]);
    const url = byType('indicator').find(
      (o) => o.id === 'indicator--5721c305-ef54-4c9b-abe0-4a2d950d210f',
    )!;
    expect(url.pattern).toBe("[url:value = 'http://be-stlines-tore.com/tr35esf']");
    expect(url.description).toBe('download location');
    const sample = byType('indicator').find(
      (o) => o.id === 'indicator--5721c408-e6b8-4b3f-91e5-47f2950d210f',
    )!;
    expect(sample.pattern).toBe(
      "[file:hashes.MD5 = 'f34888e54bb3f7a95fc262cec94afe84' AND file:name = 'a1jxlz']",
    );
    expect(byType('note').length).toBe(25); // the 25 `link` attributes
    expect(issues).toHaveLength(25);
    expect(byType('ipv4-addr').length).toBeGreaterThan(0);
  });

  it('maps objects, galaxies and sightings of PyMISP events', () => {
    const { objects } = mispToStix(
      readJsonFixture('misp/pymisp-tests/mispevent_testfiles/existing_event.json'),
    );
    const file = objects.find(
      (o) =>
        o.type === 'indicator' &&
        o.x_misp_object &&
        (o.x_misp_object as { name: string }).name === 'file',
    )!;
    expect(file.pattern).toMatch(
      /^\[file:name = '.*' AND file:hashes\.'SHA-1' = '[0-9a-f]{40}'\]$/,
    );
    const domainIp = objects.find(
      (o) =>
        o.type === 'indicator' &&
        (o.x_misp_object as { name?: string } | undefined)?.name === 'domain-ip',
    )!;
    expect(domainIp.pattern).toContain('domain-name:resolves_to_refs[*].value');
    const actor = objects.find((o) => o.type === 'threat-actor')!;
    expect(actor.name).toBe('Sofacy');
    expect(actor.aliases).toContain('APT28');
    const malware = objects.filter((o) => o.type === 'malware').map((o) => o.name);
    expect(malware).toEqual(expect.arrayContaining(['CHOPSTICK', 'JHUHUGIT']));
    expect(objects.some((o) => o.name === 'Sednit EK' || o.name === 'X-Agent')).toBe(false);
    const galaxies = objects[0]!.x_misp_galaxies as { type: string }[];
    expect(galaxies.map((g) => g.type)).toEqual([
      'threat-actor',
      'exploit-kit',
      'tool',
      'mitre-malware',
    ]);

    const sighted = mispToStix(
      readJsonFixture('misp/pymisp-tests/reportlab_testfiles/sighting_1.json'),
    ).objects;
    const sightings = sighted.filter((o) => o.type === 'sighting');
    expect(sightings.length).toBeGreaterThan(0);
    for (const sighting of sightings)
      expect(sighted.some((o) => o.id === sighting.sighting_of_ref)).toBe(true);
  });

  it('turns PAP tags into markings and back into tags', () => {
    const event = {
      uuid: '11111111-2222-4333-8444-555555555555',
      info: 'PAP test',
      Tag: [{ name: 'PAP:AMBER' }, { name: 'tlp:amber+strict' }, { name: 'type:OSINT' }],
      Attribute: [
        {
          type: 'ip-dst',
          value: '198.51.100.1',
          to_ids: true,
          uuid: '11111111-2222-4333-8444-555555555556',
        },
      ],
    };
    const { objects } = mispToStix(event);
    const marking = objects.find((o) => o.type === 'marking-definition')!;
    expect(marking.name).toBe('PAP:AMBER');
    expect(objects[0]!.object_marking_refs).toEqual([
      marking.id,
      'marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003',
    ]);
    expect(objects[0]!.labels).toEqual(['type:OSINT']);
    // Without the preserved MISP metadata, tags come from markings and labels.
    const stripped = objects.map(
      ({ x_misp_event: _e, x_misp_attribute: _a, ...rest }) => rest,
    ) as StixObject[];
    const [back] = stixToMisp(stripped);
    expect(back!.Tag.map((t) => t.name).sort()).toEqual([
      'PAP:AMBER',
      'tlp:amber+strict',
      'type:OSINT',
    ]);
    expect(back!.Attribute).toEqual([
      expect.objectContaining({ type: 'ip-dst', value: '198.51.100.1', to_ids: true }),
    ]);
  });

  it('reads plain STIX (no MISP metadata) into attributes from patterns and SCOs', () => {
    const bundle = readJsonFixture<{ objects: StixObject[] }>('misp/pymisp-tests/stix2.json');
    const events = stixToMisp(bundle.objects);
    expect(events.length).toBeGreaterThan(0);
    expect(events[0]!.info).toBe('Test Stix');
    expect(events[0]!.Attribute).toEqual([
      expect.objectContaining({ type: 'ip-dst', value: '8.8.8.8', to_ids: false }),
    ]);
  });

  it('keeps attributes that share a uuid, reporting the clash', () => {
    const event = {
      uuid: '11111111-2222-4333-8444-555555555555',
      info: 'dup',
      Attribute: [
        {
          type: 'domain',
          value: 'a.example',
          to_ids: true,
          uuid: '11111111-2222-4333-8444-000000000001',
        },
        {
          type: 'domain',
          value: 'b.example',
          to_ids: true,
          uuid: '11111111-2222-4333-8444-000000000001',
        },
      ],
    };
    const { objects, issues } = mispToStix(event);
    expect(objects.filter((o) => o.type === 'indicator')).toHaveLength(2);
    expect(issues).toEqual([
      expect.objectContaining({
        path: 'Event.Attribute[1]',
        message: expect.stringContaining('repeats the id'),
      }),
    ]);
    expect(allValues(stixToMisp(objects)[0] as unknown as Loose)).toEqual([
      'domain=a.example',
      'domain=b.example',
    ]);
  });

  it('puts STIX objects outside every report into an event of their own', () => {
    const { objects } = mispToStix({
      uuid: '11111111-2222-4333-8444-555555555555',
      info: 'one',
      Attribute: [
        {
          type: 'domain',
          value: 'a.example',
          to_ids: true,
          uuid: '11111111-2222-4333-8444-000000000001',
        },
      ],
    });
    const outside: StixObject = {
      type: 'indicator',
      spec_version: '2.1',
      id: 'indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f',
      created: '2024-01-01T00:00:00.000Z',
      modified: '2024-01-01T00:00:00.000Z',
      pattern: "[url:value = 'http://loose.example/']",
      pattern_type: 'stix',
      valid_from: '2024-01-01T00:00:00Z',
    };
    const events = stixToMisp([...objects, outside]);
    expect(events).toHaveLength(2);
    expect(events[1]!.Attribute).toEqual([
      expect.objectContaining({ type: 'url', value: 'http://loose.example/' }),
    ]);
  });

  it('rejects input that is not an event, naming the path', () => {
    const error = (() => {
      try {
        mispToStix({ Event: { info: 3 } });
      } catch (e) {
        return e;
      }
    })() as FeedValidationError;
    expect(error).toBeInstanceOf(FeedValidationError);
    expect(error.issues.map((i) => i.path)).toContain('Event.uuid');
  });
});

let server: Server | undefined;
afterEach(async () => {
  server?.closeAllConnections();
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  server = undefined;
});

async function serve(handler: Parameters<typeof createServer>[1]): Promise<string> {
  server = createServer(handler);
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
}

describe('MispFeedClient', () => {
  it('polls a MISP feed incrementally by manifest timestamps', async () => {
    const manifest = readJsonFixture<Record<string, { timestamp: string }>>(
      'misp/feed-circl-osint-sample/manifest.json',
    );
    const hits: string[] = [];
    const base = await serve((req, res) => {
      hits.push(req.url ?? '');
      const name = (req.url ?? '').slice(1);
      if (name === 'manifest.json') return res.end(JSON.stringify(manifest));
      if (name === 'hashes.csv')
        return res.end(
          'f34888e54bb3f7a95fc262cec94afe84,5721c2e4-05ec-4af3-9264-411b950d210f\nnot,a-row\n',
        );
      try {
        res.end(readFixture(`misp/feed-circl-osint-sample/${name}`));
      } catch {
        res.statusCode = 404;
        res.end();
      }
    });
    const feed = new MispFeedClient({ url: base, retry: 0 });
    let state: MispFeedState = { timestamps: {} };
    const first: string[] = [];
    for await (const update of feed.changedEvents(state)) {
      first.push(update.event.info);
      state = update.state;
    }
    expect(first).toHaveLength(2);
    const again = [];
    for await (const update of feed.changedEvents(state)) again.push(update);
    expect(again).toHaveLength(0);
    manifest['57e27c3d-17a8-4c3b-8195-493e950d210f']!.timestamp = '1999999999';
    const third = [];
    for await (const update of feed.changedEvents(state)) third.push(update.uuid);
    expect(third).toEqual(['57e27c3d-17a8-4c3b-8195-493e950d210f']);
    expect(await feed.hashes()).toEqual([
      {
        hash: 'f34888e54bb3f7a95fc262cec94afe84',
        eventUuid: '5721c2e4-05ec-4af3-9264-411b950d210f',
      },
    ]);
  });
});

describe('MispRestClient', () => {
  it('searches events and attributes with the API key and never puts the key in errors', async () => {
    const event = readJsonFixture('misp/pymisp-tests/57c4445b-c548-4654-af0b-4be3950d210f.json');
    const bodies: unknown[] = [];
    const base = await serve(async (req, res) => {
      let text = '';
      for await (const chunk of req) text += chunk;
      bodies.push(JSON.parse(text));
      if (req.headers.authorization !== 'TOPSECRETKEY') {
        res.statusCode = 403;
        return res.end(
          JSON.stringify({ name: 'Authentication failed.', message: 'Authentication failed.' }),
        );
      }
      res.setHeader('content-type', 'application/json');
      if (req.url === '/events/restSearch') return res.end(JSON.stringify({ response: [event] }));
      if (req.url === '/attributes/restSearch')
        return res.end(JSON.stringify({ response: { Attribute: eventOf(event).Attribute } }));
      res.statusCode = 404;
      res.end('{}');
    });
    const misp = new MispRestClient({ url: base, apiKey: 'TOPSECRETKEY', retry: 0 });
    const events = await misp.searchEvents({ tags: ['tlp:white'], limit: 10 });
    expect(events[0]!.uuid).toBe(eventOf(event).uuid);
    expect(bodies[0]).toEqual({ returnFormat: 'json', tags: ['tlp:white'], limit: 10 });
    const attributes = await misp.searchAttributes({ type: 'ip-dst' });
    expect(attributes.length).toBe((eventOf(event).Attribute ?? []).length);

    const wrong = new MispRestClient({ url: base, apiKey: 'WRONGKEY', retry: 0 });
    const error = await wrong.searchEvents().catch((e: unknown) => e);
    expect(isTaxiiError(error)).toBe(true);
    expect(JSON.stringify(error) + String(error) + (error as Error).stack).not.toContain(
      'WRONGKEY',
    );
  });
});

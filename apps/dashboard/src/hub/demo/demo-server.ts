import { createHash, randomBytes } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createTaxiiHandler, hashApiKey, MemoryStorage } from '@intelshare/taxii-server';
import { type RunningServer, serve } from '@intelshare/taxii-server/node';
import { DemoGenerator } from './demo-generator';

/** What the demo server publishes, and where (`{demo}` in the configuration). */
export interface DemoServer {
  /** Origin, e.g. `http://127.0.0.1:40123`. */
  url: string;
  generator: DemoGenerator;
  close(): Promise<void>;
}

interface StaticFile {
  body: Buffer<ArrayBuffer>;
  type: string;
  etag: string;
}

function staticFile(path: string, type: string): StaticFile {
  const body = readFileSync(path) as Buffer<ArrayBuffer>;
  return { body, type, etag: `"${createHash('sha256').update(body).digest('hex').slice(0, 32)}"` };
}

/**
 * Serves the bundled public data on 127.0.0.1 so the hub has real feeds to pull with no
 * internet: a TAXII 2.1 server (the OASIS example bundles, plus what the generator
 * publishes), a MISP feed directory (the CIRCL sample) and two abuse.ch CSV lists.
 *
 * @param dataDir - the app's `data/demo` folder.
 */
export async function startDemoServer(
  dataDir: string,
  options: { generatorIntervalMs: number; extraStixFiles?: readonly string[] },
): Promise<DemoServer> {
  const writerKey = randomBytes(24).toString('base64url');
  const taxii = createTaxiiHandler({
    title: 'intelshare demo feeds',
    description: 'Public example data served by the hub to itself.',
    cursorSecret: randomBytes(32),
    storage: new MemoryStorage(),
    allowCustomContent: true,
    auth: {
      anonymous: 'public',
      apiKeys: [{ principal: 'generator', hash: await hashApiKey(writerKey) }],
    },
    apiRoots: [
      {
        path: 'demo',
        title: 'Demo',
        collections: [
          {
            id: 'examples',
            title: 'OASIS STIX 2.1 examples and generated indicators',
            canRead: ['public', 'generator'],
            canWrite: ['generator'],
          },
        ],
      },
    ],
  });

  const files = new Map<string, StaticFile>();
  const mispDir = join(dataDir, 'misp');
  for (const name of readdirSync(mispDir)) {
    if (name.endsWith('.json'))
      files.set(`/misp/${name}`, staticFile(join(mispDir, name), 'application/json'));
  }
  files.set(
    '/csv/urlhaus.csv',
    staticFile(join(dataDir, 'csv/urlhaus-csv_online.head40.csv'), 'text/csv'),
  );
  files.set(
    '/csv/feodo.csv',
    staticFile(join(dataDir, 'csv/feodotracker-ipblocklist.csv'), 'text/csv'),
  );

  const server: RunningServer = await serve(async (request) => {
    const path = new URL(request.url).pathname;
    const file = files.get(path);
    if (!file) return taxii(request);
    if (request.headers.get('if-none-match') === file.etag)
      return new Response(null, { status: 304, headers: { etag: file.etag } });
    return new Response(file.body, { headers: { 'content-type': file.type, etag: file.etag } });
  });

  const post = async (objects: readonly unknown[]): Promise<void> => {
    const response = await taxii(
      new Request(`${server.url}/demo/collections/examples/objects/`, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${writerKey}`,
          'content-type': 'application/taxii+json;version=2.1',
          accept: 'application/taxii+json;version=2.1',
        },
        body: JSON.stringify({ objects }),
      }),
    );
    if (!response.ok)
      throw new Error(`demo TAXII POST answered ${response.status}: ${await response.text()}`);
  };

  const stixDir = join(dataDir, 'stix');
  const bundles = [
    ...readdirSync(stixDir)
      .filter((name) => name.endsWith('.json'))
      .sort()
      .map((name) => join(stixDir, name)),
    ...(options.extraStixFiles ?? []),
  ];
  for (const path of bundles) {
    const bundle = JSON.parse(readFileSync(path, 'utf8')) as { objects?: unknown[] };
    if (Array.isArray(bundle.objects) && bundle.objects.length > 0) await post(bundle.objects);
  }

  const generator = new DemoGenerator(post, options.generatorIntervalMs);
  generator.start();
  return {
    url: server.url,
    generator,
    close: async () => {
      await generator.stop();
      await server.close();
    },
  };
}

import { readJsonFixture } from '@intelshare/fixtures';
import {
  createTaxiiHandler,
  hashApiKey,
  hashPassword,
  MemoryStorage,
  TAXII_MEDIA_TYPE,
} from '@intelshare/taxii-server';
import { type RunningServer, serve } from '@intelshare/taxii-server/node';

export const USER = 'alice';
export const PASSWORD = 'correct horse battery staple';
export const API_KEY = 'test-api-key-0123456789abcdef';
export const COLLECTION = '91a7b528-80eb-42ed-a74d-c6fbd5a26116';

export interface TestServer {
  server: RunningServer;
  /** Discovery URL. */
  discovery: string;
  apiRoot: string;
  /** Ids of every object stored, as loaded. */
  ids: string[];
  /** Slows each objects page down once `pagesBeforeDelay` pages were served (ms). */
  setPageDelay(ms: number, pagesBeforeDelay?: number): void;
  close(): Promise<void>;
}

/**
 * A real TAXII 2.1 server (`@intelshare/taxii-server` + its node adapter) on 127.0.0.1,
 * holding the OASIS example bundles named, in one read-write collection.
 */
export async function startTestServer(fixtures: readonly string[]): Promise<TestServer> {
  const storage = new MemoryStorage();
  const handler = createTaxiiHandler({
    title: 'intelshare CLI tests',
    cursorSecret: 'cli-test-cursor-secret-0123456789',
    storage,
    defaultApiRoot: 'api1',
    auth: {
      users: [{ username: USER, passwordHash: await hashPassword(PASSWORD, 1000) }],
      apiKeys: [{ principal: USER, hash: await hashApiKey(API_KEY) }],
    },
    limits: { defaultPageSize: 10, maxPageSize: 1000 },
    apiRoots: [
      {
        path: 'api1',
        title: 'API root 1',
        collections: [
          { id: COLLECTION, title: 'Examples', canRead: [USER], canWrite: [USER] },
          { id: 'write-only', title: 'Drop box', canRead: [], canWrite: [USER] },
        ],
      },
    ],
  });
  const ids: string[] = [];
  for (const fixture of fixtures) {
    const bundle = readJsonFixture<{ objects: { id: string }[] }>(fixture);
    const response = await handler(
      new Request(`http://127.0.0.1/api1/collections/${COLLECTION}/objects/`, {
        method: 'POST',
        headers: {
          accept: TAXII_MEDIA_TYPE,
          'content-type': TAXII_MEDIA_TYPE,
          authorization: `Bearer ${API_KEY}`,
        },
        body: JSON.stringify({ objects: bundle.objects }),
      }),
    );
    if (!response.ok) throw new Error(`loading ${fixture} failed: ${await response.text()}`);
    ids.push(...bundle.objects.map((object) => object.id));
  }
  let delayMs = 0;
  let delayAfter = 0;
  let pagesServed = 0;
  const server = await serve(
    async (request) => {
      if (request.method === 'GET' && new URL(request.url).pathname.endsWith('/objects/')) {
        pagesServed += 1;
        if (delayMs > 0 && pagesServed > delayAfter) {
          await new Promise((resolve) => setTimeout(resolve, delayMs));
        }
      }
      return handler(request);
    },
    { port: 0, host: '127.0.0.1' },
  );
  return {
    server,
    discovery: `${server.url}/taxii2/`,
    apiRoot: `${server.url}/api1/`,
    ids,
    setPageDelay(ms, after = 0) {
      delayMs = ms;
      delayAfter = pagesServed + after;
    },
    close: () => server.close(),
  };
}

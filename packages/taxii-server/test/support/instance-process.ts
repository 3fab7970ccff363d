// One TAXII server instance in its own process, for multi-instance tests and benchmarks:
// PostgreSQL storage and rate limits (TAXII_PG_URL), the shared cursor secret
// (TAXII_CURSOR_SECRET), an optional per-principal rate (TAXII_RATE="perSecond/burst"),
// the storage's mirror with TAXII_MIRROR=1.
// Prints `{"url": ...}` on one line once listening; closes on SIGTERM or when stdin ends.
import { createTaxiiHandler, hashApiKey } from '../../src/index';
import { serve } from '../../src/node/index';
import { PostgresRateLimiter, PostgresStorage } from '../../src/postgres/index';

const url = process.env.TAXII_PG_URL;
const secret = process.env.TAXII_CURSOR_SECRET;
if (!url || !secret) throw new Error('TAXII_PG_URL and TAXII_CURSOR_SECRET are required.');
const rate = process.env.TAXII_RATE?.split('/').map(Number);

// TAXII_MIRROR=1: pages from the storage's in-process mirror, kept current by notices.
const storage = new PostgresStorage(url, { mirror: process.env.TAXII_MIRROR === '1' });
const limiter = new PostgresRateLimiter(url);
const server = await serve(
  createTaxiiHandler({
    title: 'Instance',
    cursorSecret: secret,
    storage,
    rateLimitStore: limiter,
    limits: {
      maxPageSize: 1000,
      ...(rate ? { rateLimit: { perSecond: rate[0]!, burst: rate[1]! } } : {}),
    },
    auth: {
      apiKeys: [
        { principal: 'reader', hash: await hashApiKey('reader-key-0123456789abcdef') },
        { principal: 'writer', hash: await hashApiKey('writer-key-0123456789abcdef') },
      ],
    },
    apiRoots: [
      {
        path: 'api',
        title: 'API',
        collections: [
          { id: 'feed', title: 'Feed', canRead: ['reader', 'writer'], canWrite: ['writer'] },
        ],
      },
    ],
  }),
);
process.stdout.write(`${JSON.stringify({ url: server.url, pid: process.pid })}\n`);

let closing = false;
async function close() {
  if (closing) return;
  closing = true;
  await server.close();
  await storage.close();
  await limiter.close();
  process.exit(0);
}
process.on('SIGTERM', close);
process.stdin.on('end', close);
process.stdin.resume();

import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A stored object plus when the server "added" it. */
export interface StoredObject {
  object: Record<string, unknown> & { id: string; type: string };
  dateAdded: string;
}

/** Ways the fixture server misbehaves on purpose. All default to off. */
export interface Misbehaviour {
  /** `more: true` without `next`; client must continue with X-TAXII-Date-Added-Last. */
  noNext?: boolean;
  /** Treat `added_after` as >= instead of >. */
  inclusiveAddedAfter?: boolean;
  /** Never return more than this many objects per page, whatever `limit` says. */
  maxPageSize?: number;
  /** Serve every page twice (the first `next` points back at the same page). */
  repeatPages?: boolean;
  /** After the last page, claim `more` and point `next` back at the first page. */
  loop?: boolean;
  /** The first N object requests answer 429 with this Retry-After header. */
  storm429?: { count: number; retryAfter: string };
  /** Every Nth object request answers 500. */
  fail500Every?: number;
  /** Send the body in this many chunks with this delay in ms between them. */
  slowBody?: { chunks: number; delayMs: number };
  /** Every Nth object response declares the full Content-Length, sends half and drops the socket. */
  dropConnectionEvery?: number;
  /** Every Nth object response ends cleanly after half the JSON text. */
  truncatedJsonEvery?: number;
  /** Content-Type to send instead of the TAXII 2.1 one. */
  contentType?: string;
  /**
   * One `next` token per paging session, the same on every page of the chain (the token
   * names a server-side session, not a position); each request advances the session.
   */
  sessionToken?: boolean;
  /** `next` tokens stop being accepted this many ms after they were issued (answer 400). */
  tokenTtlMs?: number;
  /** Every request answers the first page with `more: true` and the same `next`. */
  samePageForever?: boolean;
  /**
   * Scripted pages, as indexes into the collection: the first request gets `pages[0]`,
   * `next=page-1` gets `pages[1]`, and so on; the last page says `more: false`.
   */
  pages?: number[][];
}

export interface RequestRecord {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
}

const TAXII = 'application/taxii+json;version=2.1';

/** A TAXII 2.1 server on 127.0.0.1 with one API root (`/api1/`), for client tests. */
export class FixtureTaxiiServer {
  readonly requests: RequestRecord[] = [];
  readonly collections = new Map<
    string,
    { info: Record<string, unknown>; objects: StoredObject[] }
  >();
  readonly statuses = new Map<
    string,
    { polls: number; pendingPolls: number; body: Record<string, unknown> }
  >();
  misbehaviour: Misbehaviour = {};
  /** Credentials required as the `Authorization` header, when set. */
  requireAuthorization: string | undefined;
  #server: Server | undefined;
  #objectRequests = 0;
  #tokens = new Map<string, { offset: number; repeat: boolean; issuedAt: number }>();
  #sessions = new Map<string, number>();
  baseUrl = '';

  addCollection(id: string, objects: StoredObject[], info: Record<string, unknown> = {}): void {
    const sorted = [...objects].sort((a, b) =>
      a.dateAdded < b.dateAdded ? -1 : a.dateAdded > b.dateAdded ? 1 : 0,
    );
    this.collections.set(id, {
      info: {
        id,
        title: `Collection ${id}`,
        can_read: true,
        can_write: true,
        media_types: [TAXII],
        ...info,
      },
      objects: sorted,
    });
  }

  async start(): Promise<string> {
    this.#server = createServer((req, res) => {
      this.#handle(req, res).catch((error: unknown) => {
        res.statusCode = 500;
        res.end(String(error));
      });
    });
    await new Promise<void>((resolve) => this.#server!.listen(0, '127.0.0.1', resolve));
    const { port } = this.#server.address() as AddressInfo;
    this.baseUrl = `http://127.0.0.1:${port}/`;
    return this.baseUrl;
  }

  async stop(): Promise<void> {
    this.#server?.closeAllConnections();
    await new Promise<void>((resolve) => this.#server?.close(() => resolve()) ?? resolve());
  }

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    this.requests.push({ method: req.method ?? 'GET', url: req.url ?? '/', headers: req.headers });
    const url = new URL(req.url ?? '/', this.baseUrl);
    if (
      this.requireAuthorization !== undefined &&
      req.headers.authorization !== this.requireAuthorization
    ) {
      return send(res, 401, {
        title: 'Unauthorized',
        description: 'Bad credentials.',
        http_status: '401',
      });
    }
    const parts = url.pathname.split('/').filter(Boolean);
    if (url.pathname === '/taxii2/') {
      return send(res, 200, {
        title: 'Fixture TAXII',
        default: `${this.baseUrl}api1/`,
        api_roots: [`${this.baseUrl}api1/`],
      });
    }
    if (parts[0] !== 'api1') return send(res, 404, { title: 'Not Found' });
    if (parts.length === 1) {
      return send(res, 200, { title: 'API 1', versions: [TAXII], max_content_length: 10_000_000 });
    }
    if (parts[1] === 'status' && parts[2]) {
      const status = this.statuses.get(parts[2]);
      if (!status) return send(res, 404, { title: 'Unknown status' });
      status.polls++;
      const complete = status.polls > status.pendingPolls;
      return send(res, 200, {
        ...status.body,
        status: complete ? 'complete' : 'pending',
        pending_count: complete ? 0 : (status.body.pending_count ?? status.body.total_count),
      });
    }
    if (parts[1] !== 'collections') return send(res, 404, { title: 'Not Found' });
    if (parts.length === 2) {
      return send(res, 200, { collections: [...this.collections.values()].map((c) => c.info) });
    }
    const collection = this.collections.get(decodeURIComponent(parts[2]!));
    if (!collection) return send(res, 404, { title: 'Unknown collection' });
    if (parts.length === 3) return send(res, 200, collection.info);
    if (parts[3] === 'manifest') {
      const rows = filter(collection.objects, url, false);
      return send(res, 200, {
        more: false,
        objects: rows.map((row) => ({
          id: row.object.id,
          date_added: row.dateAdded,
          version: (row.object.modified as string) ?? (row.object.created as string),
          media_type: 'application/stix+json;version=2.1',
        })),
      });
    }
    if (parts[3] !== 'objects') return send(res, 404, { title: 'Not Found' });
    if (parts.length === 4 && req.method === 'POST') return this.#add(req, res, collection.objects);
    if (parts.length === 4) return this.#objects(res, url, collection.objects);
    const objectId = decodeURIComponent(parts[4]!);
    const matching = collection.objects.filter((row) => row.object.id === objectId);
    if (parts[5] === 'versions') {
      return send(res, 200, {
        more: false,
        versions: matching.map(
          (row) => (row.object.modified as string) ?? (row.object.created as string),
        ),
      });
    }
    if (req.method === 'DELETE') {
      collection.objects = collection.objects.filter((row) => row.object.id !== objectId);
      res.statusCode = 200;
      res.end();
      return;
    }
    if (matching.length === 0) return send(res, 404, { title: 'Object not found' });
    return send(res, 200, { more: false, objects: matching.map((row) => row.object) });
  }

  async #add(req: IncomingMessage, res: ServerResponse, objects: StoredObject[]): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const envelope = JSON.parse(Buffer.concat(chunks).toString('utf8')) as {
      objects: StoredObject['object'][];
    };
    const now = new Date().toISOString();
    for (const object of envelope.objects) objects.push({ object, dateAdded: now });
    const id = randomUUID();
    const body = {
      id,
      status: 'pending',
      total_count: envelope.objects.length,
      success_count: envelope.objects.length,
      successes: envelope.objects.map((o) => ({
        id: o.id,
        version: o.modified ?? o.created ?? '',
      })),
      failure_count: 0,
    };
    this.statuses.set(id, { polls: 0, pendingPolls: 2, body });
    return send(res, 202, { ...body, pending_count: body.total_count });
  }

  async #objects(res: ServerResponse, url: URL, all: StoredObject[]): Promise<void> {
    const m = this.misbehaviour;
    const n = ++this.#objectRequests;
    if (m.storm429 && n <= m.storm429.count) {
      res.setHeader('retry-after', m.storm429.retryAfter);
      return send(res, 429, { title: 'Too Many Requests' });
    }
    if (m.fail500Every && n % m.fail500Every === 0)
      return send(res, 500, { title: 'Internal error' });

    const token = url.searchParams.get('next');
    if (m.pages) return this.#scripted(res, m.pages, token, all);
    const limit = Math.min(
      Number(url.searchParams.get('limit') ?? 100),
      m.maxPageSize ?? Number.POSITIVE_INFINITY,
    );
    const rows = filter(all, url, m.inclusiveAddedAfter ?? false);
    let offset = 0;
    let repeated = false;
    let session: string | undefined;
    if (m.sessionToken) {
      session = token ?? randomUUID();
      if (token !== null && !this.#sessions.has(token))
        return send(res, 400, { title: 'Unknown paging session' });
      offset = this.#sessions.get(session) ?? 0;
    } else if (token !== null) {
      const state = this.#tokens.get(token);
      if (!state) return send(res, 400, { title: 'Bad next token' });
      if (m.tokenTtlMs !== undefined && Date.now() - state.issuedAt > m.tokenTtlMs) {
        this.#tokens.delete(token);
        return send(res, 400, { title: 'Expired next token' });
      }
      offset = state.offset;
      repeated = state.repeat;
    }
    if (m.samePageForever) offset = 0;
    const page = rows.slice(offset, offset + limit);
    let more = offset + page.length < rows.length;
    let next: string | undefined;
    if (m.samePageForever) {
      more = true;
      next = 'the-same-token';
      this.#tokens.set(next, { offset: 0, repeat: false, issuedAt: Date.now() });
    } else if (session !== undefined) {
      this.#sessions.set(session, offset + page.length);
      if (more) next = session;
    } else if (more) {
      // With repeatPages the first token for a page serves the previous page again.
      const repeat = (m.repeatPages ?? false) && !repeated;
      next = this.#token(repeat ? offset : offset + page.length, repeat);
    } else if (m.loop && rows.length > 0) {
      more = true;
      next = this.#token(0, false);
    }
    const headers: Record<string, string> = {};
    if (page.length > 0) {
      headers['x-taxii-date-added-first'] = page[0]!.dateAdded;
      headers['x-taxii-date-added-last'] = page[page.length - 1]!.dateAdded;
    }
    const body: Record<string, unknown> = { more, objects: page.map((row) => row.object) };
    if (next !== undefined && !m.noNext) body.next = next;
    const text = JSON.stringify(body);
    if (m.dropConnectionEvery && n % m.dropConnectionEvery === 0) {
      res.writeHead(200, {
        'content-type': TAXII,
        'content-length': Buffer.byteLength(text),
        ...headers,
      });
      res.write(text.slice(0, Math.floor(text.length / 2)));
      await delay(5);
      res.socket?.destroy();
      return;
    }
    if (m.truncatedJsonEvery && n % m.truncatedJsonEvery === 0) {
      res.writeHead(200, { 'content-type': TAXII, ...headers });
      res.end(text.slice(0, Math.floor(text.length / 2)));
      return;
    }
    res.writeHead(200, { 'content-type': m.contentType ?? TAXII, ...headers });
    if (m.slowBody) {
      const size = Math.ceil(text.length / m.slowBody.chunks);
      for (let i = 0; i < text.length; i += size) {
        res.write(text.slice(i, i + size));
        await delay(m.slowBody.delayMs);
      }
      res.end();
      return;
    }
    res.end(text);
  }

  /** Forgets every `next` token issued so far, as servers do when tokens expire. */
  expireTokens(): void {
    this.#tokens.clear();
    this.#sessions.clear();
  }

  #token(offset: number, repeat: boolean): string {
    const token = randomUUID();
    this.#tokens.set(token, { offset, repeat, issuedAt: Date.now() });
    return token;
  }

  #scripted(
    res: ServerResponse,
    pages: number[][],
    token: string | null,
    all: StoredObject[],
  ): void {
    const index = token === null ? 0 : Number(/^page-(\d+)$/.exec(token)?.[1] ?? Number.NaN);
    const indexes = pages[index];
    if (indexes === undefined) {
      send(res, 400, { title: 'Bad next token' });
      return;
    }
    const rows = indexes.map((i) => all[i]!);
    const more = index + 1 < pages.length;
    const body: Record<string, unknown> = { more, objects: rows.map((row) => row.object) };
    if (more) body.next = `page-${index + 1}`;
    const headers: Record<string, string> = {};
    if (rows.length > 0) {
      headers['x-taxii-date-added-first'] = rows[0]!.dateAdded;
      headers['x-taxii-date-added-last'] = rows[rows.length - 1]!.dateAdded;
    }
    res.writeHead(200, { 'content-type': TAXII, ...headers });
    res.end(JSON.stringify(body));
  }
}

function filter(rows: StoredObject[], url: URL, inclusive: boolean): StoredObject[] {
  const after = url.searchParams.get('added_after');
  const types = url.searchParams.get('match[type]')?.split(',');
  const ids = url.searchParams.get('match[id]')?.split(',');
  return rows.filter((row) => {
    if (after !== null && (inclusive ? row.dateAdded < after : row.dateAdded <= after))
      return false;
    if (types && !types.includes(row.object.type)) return false;
    if (ids && !ids.includes(row.object.id)) return false;
    return true;
  });
}

function send(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': TAXII, 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * `count` indicators added one per second from 2024-01-01, except that every `sameDate`
 * consecutive objects share a date_added (to exercise inclusive `added_after`).
 */
export function makeObjects(count: number, sameDate = 1): StoredObject[] {
  const rows: StoredObject[] = [];
  const start = Date.UTC(2024, 0, 1);
  for (let i = 0; i < count; i++) {
    const hex = i.toString(16).padStart(12, '0');
    const dateAdded = new Date(start + Math.floor(i / sameDate) * 1000)
      .toISOString()
      .replace('Z', '000Z');
    rows.push({
      dateAdded,
      object: {
        type: 'indicator',
        spec_version: '2.1',
        id: `indicator--00000000-0000-4000-8000-${hex}`,
        created: '2024-01-01T00:00:00.000Z',
        modified: '2024-01-01T00:00:00.000Z',
        pattern: `[ipv4-addr:value = '10.0.${(i >> 8) & 255}.${i & 255}']`,
        pattern_type: 'stix',
        valid_from: '2024-01-01T00:00:00Z',
      },
    });
  }
  return rows;
}

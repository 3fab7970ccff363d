import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isTaxiiError, MispRestClient, TaxiiClient } from '../src/index';
import { FixtureTaxiiServer, makeObjects } from './support/taxii-fixture-server';

// Credentials (`auth` and every header passed in `headers`) go only to the origin they
// were given for, plus `credentialOrigins`. Two servers on 127.0.0.1, different ports:
// different origins (RFC 6454).

let server: FixtureTaxiiServer; // the other origin: a full TAXII server
let other: string;
let home: Server; // the origin the client is given
let homeUrl: string;
const homeRequests: IncomingMessage['headers'][] = [];
let homeRoutes: Record<
  string,
  (url: URL) => { status: number; headers?: Record<string, string>; body?: unknown }
>;

beforeEach(async () => {
  server = new FixtureTaxiiServer();
  other = await server.start();
  server.addCollection('c1', makeObjects(3));
  homeRequests.length = 0;
  homeRoutes = {};
  home = createServer((req, res) => {
    homeRequests.push(req.headers);
    const url = new URL(req.url ?? '/', homeUrl);
    const route = homeRoutes[url.pathname];
    const answer = route ? route(url) : { status: 404, body: { title: 'Not Found' } };
    res.writeHead(answer.status, {
      'content-type': 'application/taxii+json;version=2.1',
      ...answer.headers,
    });
    res.end(answer.body === undefined ? '' : JSON.stringify(answer.body));
  });
  await new Promise<void>((resolve) => home.listen(0, '127.0.0.1', resolve));
  homeUrl = `http://127.0.0.1:${(home.address() as AddressInfo).port}/`;
});

afterEach(async () => {
  await server.stop();
  home.closeAllConnections();
  await new Promise<void>((resolve) => home.close(() => resolve()));
});

const KEY = { type: 'header', name: 'x-api-key', value: 'SECRET-KEY' } as const;
const sentToOther = (name: string) => server.requests.some((r) => r.headers[name] !== undefined);

describe('redirects', () => {
  it('a cross-origin redirect is followed without `auth` or `headers`', async () => {
    homeRoutes['/taxii2/'] = () => ({ status: 302, headers: { location: `${other}taxii2/` } });
    const client = new TaxiiClient({
      url: homeUrl,
      retry: 0,
      auth: KEY,
      headers: { 'x-tenant-token': 'TENANT-SECRET' },
    });
    expect((await client.discover()).title).toBe('Fixture TAXII');
    // The home origin got both; the other origin neither.
    expect(homeRequests[0]?.['x-api-key']).toBe('SECRET-KEY');
    expect(homeRequests[0]?.['x-tenant-token']).toBe('TENANT-SECRET');
    expect(server.requests).toHaveLength(1);
    expect(sentToOther('x-api-key')).toBe(false);
    expect(sentToOther('x-tenant-token')).toBe(false);
  });

  it('a same-origin redirect keeps them', async () => {
    homeRoutes['/taxii2/'] = () => ({ status: 307, headers: { location: '/moved/taxii2/' } });
    homeRoutes['/moved/taxii2/'] = () => ({
      status: 200,
      body: { title: 'Home', api_roots: [] },
    });
    const client = new TaxiiClient({ url: homeUrl, retry: 0, auth: KEY });
    expect((await client.discover()).title).toBe('Home');
    expect(homeRequests.map((h) => h['x-api-key'])).toEqual(['SECRET-KEY', 'SECRET-KEY']);
  });

  it('a redirect to an origin listed in `credentialOrigins` carries them', async () => {
    homeRoutes['/taxii2/'] = () => ({ status: 302, headers: { location: `${other}taxii2/` } });
    const client = new TaxiiClient({
      url: homeUrl,
      retry: 0,
      auth: KEY,
      credentialOrigins: [other],
    });
    await client.discover();
    expect(server.requests[0]?.headers['x-api-key']).toBe('SECRET-KEY');
  });

  it("MISP: the API key does not follow a POST's redirect to another origin", async () => {
    homeRoutes['/events/restSearch'] = () => ({
      status: 307,
      headers: { location: `${other}api1/collections/` },
    });
    const misp = new MispRestClient({ url: homeUrl, apiKey: 'MISP-KEY', retry: 0 });
    await misp.searchEvents().catch(() => {});
    expect(homeRequests[0]?.authorization).toBe('MISP-KEY');
    expect(server.requests.length).toBeGreaterThan(0);
    expect(sentToOther('authorization')).toBe(false);
  });
});

describe('an API root on another origin, named by the discovery document', () => {
  beforeEach(() => {
    homeRoutes['/taxii2/'] = () => ({
      status: 200,
      body: { title: 'Home', default: `${other}api1/`, api_roots: [`${other}api1/`] },
    });
    server.requireAuthorization = 'Bearer TOKEN';
  });

  it('gets no bearer token; the 401 says why and what to do', async () => {
    const client = new TaxiiClient({
      url: homeUrl,
      retry: 0,
      auth: { type: 'bearer', token: 'TOKEN' },
    });
    const discovery = await client.discover();
    expect(homeRequests[0]?.authorization).toBe('Bearer TOKEN');
    const error = await client.collections(discovery.default!).catch((e: unknown) => e);
    expect(isTaxiiError(error) && error.status).toBe(401);
    expect((error as Error).message).toContain(
      `Credentials were not sent to ${other.slice(0, -1)}: it is not the origin they were given for. List it in \`credentialOrigins\``,
    );
    expect(sentToOther('authorization')).toBe(false);
  });

  it('gets it when the caller lists that origin', async () => {
    const client = new TaxiiClient({
      url: homeUrl,
      retry: 0,
      auth: { type: 'bearer', token: 'TOKEN' },
      credentialOrigins: [other],
    });
    const discovery = await client.discover();
    const objects = await client.objects(discovery.default!, 'c1').toArray();
    expect(objects).toHaveLength(3);
    expect(server.requests.every((r) => r.headers.authorization === 'Bearer TOKEN')).toBe(true);
  });
});

import { request } from 'node:http';
import { connect } from 'node:net';
import { networkInterfaces } from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  EXTERNAL_NETWORK_MARKER,
  NETWORK_GUARD_ACTIVE_MARKER,
  type RunningDashboard,
  startDashboard,
} from './helpers/start-dashboard';

function get(url: string): Promise<{ status: number; body: string; type: string }> {
  return new Promise((resolve, reject) => {
    request(url, (response) => {
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => {
        body += chunk;
      });
      response.on('end', () =>
        resolve({
          status: response.statusCode ?? 0,
          body,
          type: String(response.headers['content-type']),
        }),
      );
    })
      .on('error', reject)
      .end();
  });
}

/** Resolves with the error code of a TCP connect, or `'connected'`. */
function tryConnect(host: string, port: number): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect({ host, port, timeout: 3_000 });
    socket.once('connect', () => {
      socket.destroy();
      resolve('connected');
    });
    socket.once('timeout', () => {
      socket.destroy();
      resolve('timeout');
    });
    socket.once('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? 'error'));
  });
}

describe('pnpm start (scripts/start.mjs)', () => {
  let dashboard: RunningDashboard;

  beforeAll(async () => {
    // No HOST given: the script's own loopback default must apply.
    dashboard = await startDashboard({ HOST: '' });
  });

  afterAll(async () => {
    await dashboard?.stop();
  });

  it('prints a 127.0.0.1 URL with the port it really listens on', () => {
    expect(dashboard.origin).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(dashboard.port).toBeGreaterThan(0);
  });

  it('serves both pages as HTML', async () => {
    for (const path of ['/', '/markings']) {
      const response = await get(`${dashboard.origin}${path}`);
      expect(response.status).toBe(200);
      expect(response.type).toMatch(/^text\/html/);
      expect(response.body).toContain('intelshare');
    }
    const overview = await get(`${dashboard.origin}/`);
    expect(overview.body).toContain('data-bundle="attack/ics-attack-18.1.json"');
    expect(await get(`${dashboard.origin}/no-such-page`)).toMatchObject({ status: 404 });
  });

  it('the page references no external origin (no CDN, fonts or scripts)', async () => {
    const { body } = await get(`${dashboard.origin}/`);
    const urls = [...body.matchAll(/(?:src|href)="([^"]+)"/g)].map((match) => match[1] ?? '');
    expect(urls.length).toBeGreaterThan(0);
    expect(urls.filter((url) => /^(?:[a-z]+:)?\/\//i.test(url))).toEqual([]);
  });

  it('is not reachable on the machine’s other addresses', async () => {
    const external = Object.values(networkInterfaces())
      .flat()
      .filter((address) => address !== undefined && !address.internal && address.family === 'IPv4')
      .map((address) => address!.address);
    for (const address of external) {
      expect(await tryConnect(address, dashboard.port)).toBe('ECONNREFUSED');
    }
    expect(await tryConnect('127.0.0.1', dashboard.port)).toBe('connected');
  });

  it('made no outgoing connection or DNS lookup while serving', () => {
    expect(dashboard.output()).toContain(NETWORK_GUARD_ACTIVE_MARKER);
    expect(dashboard.output()).not.toContain(EXTERNAL_NETWORK_MARKER);
  });

  it('stops cleanly on SIGTERM', async () => {
    await dashboard.stop();
    expect(dashboard.child.exitCode).toBe(0);
  });
});

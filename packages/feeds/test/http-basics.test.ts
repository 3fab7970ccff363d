import { describe, expect, it } from 'vitest';
import { parseRetryAfter, resolveRetry, retryDelay } from '../src/http/retry-policy';
import { parseMediaType } from '../src/index';
import { supportsTaxii21, taxiiGeneration } from '../src/taxii/taxii-media-types';

describe('media types are read leniently', () => {
  it.each([
    ['application/taxii+json;version=2.1', '2.1'],
    ['Application/TAXII+JSON ; Version="2.1"', '2.1'],
    ['application/taxii+json', '2.1'],
    ['application/stix+json; version=2.1; charset=utf-8', '2.1'],
    ['application/vnd.oasis.taxii+json; version=2.0', '2.0'],
    ['application/taxii+json;version=2.0', '2.0'],
    ['application/json', 'unknown'],
    ['text/html', 'unknown'],
  ])('%s → %s', (value, generation) => {
    expect(taxiiGeneration(value)).toBe(generation);
  });

  it('parses parameters and API root `versions`', () => {
    expect(parseMediaType(' APPLICATION/STIX+JSON;VERSION = 2.1 ;x="a;b"')).toEqual({
      essence: 'application/stix+json',
      parameters: { version: '2.1', x: '"a' },
    });
    expect(supportsTaxii21(['application/taxii+json; version="2.1"'])).toBe(true);
    expect(supportsTaxii21(['application/vnd.oasis.taxii+json; version=2.0'])).toBe(false);
  });
});

describe('retry policy', () => {
  it('parses Retry-After as seconds or an HTTP date and caps it', () => {
    const now = Date.parse('2026-01-01T00:00:00Z');
    expect(parseRetryAfter('120', now)).toBe(120_000);
    expect(parseRetryAfter('Thu, 01 Jan 2026 00:00:30 GMT', now)).toBe(30_000);
    expect(parseRetryAfter('soon', now)).toBeUndefined();
    expect(parseRetryAfter(null, now)).toBeUndefined();
    const retry = resolveRetry({ maxRetryAfterMs: 5_000 });
    expect(retryDelay(1, retry, 3_600_000)).toBe(5_000);
  });

  it('backs off exponentially with jitter inside [ceiling/2, ceiling]', () => {
    const retry = resolveRetry({ baseDelayMs: 100, maxDelayMs: 1_000 });
    for (let attempt = 1; attempt <= 6; attempt++) {
      const ceiling = Math.min(1_000, 100 * 2 ** (attempt - 1));
      for (let i = 0; i < 50; i++) {
        const delay = retryDelay(attempt, retry, undefined);
        expect(delay).toBeGreaterThanOrEqual(ceiling / 2);
        expect(delay).toBeLessThanOrEqual(ceiling);
      }
    }
  });
});

describe('TAXII filters', () => {
  it('writes added_after, limit, next and every match[] filter', async () => {
    const { applyFilters } = await import('../src/taxii/taxii-filters');
    const url = applyFilters(new URL('https://t.example/api1/collections/c/objects/'), {
      addedAfter: new Date('2024-01-02T03:04:05.678Z'),
      limit: 50,
      next: 'tok en',
      match: {
        id: ['indicator--1', 'malware--2'],
        type: 'indicator',
        version: 'all',
        specVersion: ['2.0', '2.1'],
      },
    });
    expect(Object.fromEntries(url.searchParams)).toEqual({
      added_after: '2024-01-02T03:04:05.678Z',
      limit: '50',
      next: 'tok en',
      'match[id]': 'indicator--1,malware--2',
      'match[type]': 'indicator',
      'match[version]': 'all',
      'match[spec_version]': '2.0,2.1',
    });
    expect(() => applyFilters(new URL('https://t.example/'), { limit: 0 })).toThrow(TypeError);
  });
});

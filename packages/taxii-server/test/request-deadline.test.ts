// The request deadline answers a request that takes too long with 503 Retry-After, once,
// and reports it to `onError`; whatever the request does afterwards is ignored. A request
// answered in time leaves no timer behind. The timers are faked, so nothing here waits.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  createTaxiiHandler,
  MemoryStorage,
  TAXII_MEDIA_TYPE,
  TaxiiHttpError,
  type TaxiiStorage,
} from '../src/index';

const TIMEOUT_MS = 1_000;

/** A storage whose object reads wait until the test settles them. */
function slowStorage() {
  const inner = new MemoryStorage();
  let settle!: { resolve: () => void; reject: (error: Error) => void };
  const storage: TaxiiStorage = {
    addObjects: (collection, objects) => inner.addObjects(collection, objects),
    queryObjects: (collection, query) =>
      new Promise((resolve, reject) => {
        settle = {
          resolve: () => resolve(inner.queryObjects(collection, query)),
          reject,
        };
      }),
    deleteObject: (collection, id, versions) => inner.deleteObject(collection, id, versions),
    putStatus: (status) => inner.putStatus(status),
    getStatus: (id) => inner.getStatus(id),
    close: () => inner.close(),
  };
  return { storage, settle: () => settle };
}

function handlerFor(storage: TaxiiStorage, onError: (error: unknown) => void) {
  return createTaxiiHandler({
    title: 'T',
    cursorSecret: 'deadline-secret-0123456789',
    storage,
    auth: { anonymous: 'public' },
    limits: { requestTimeoutMs: TIMEOUT_MS },
    onError,
    apiRoots: [{ path: 'api', title: 'A', collections: [{ id: 'c', title: 'C', canRead: ['*'] }] }],
  });
}

const page = () =>
  new Request('http://127.0.0.1/api/collections/c/objects/', {
    headers: { accept: TAXII_MEDIA_TYPE },
  });

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
});
afterEach(() => {
  vi.useRealTimers();
});

describe('the request deadline', () => {
  it('answers 503 once when the time is up, and ignores what the request does later', async () => {
    const { storage, settle } = slowStorage();
    const errors: unknown[] = [];
    const handler = handlerFor(storage, (error) => errors.push(error));
    const answer = handler(page());
    await vi.advanceTimersByTimeAsync(TIMEOUT_MS - 1);
    let answered = false;
    void answer.then(() => {
      answered = true;
    });
    await Promise.resolve();
    expect(answered).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    const response = await answer;
    expect(response.status).toBe(503);
    expect(response.headers.get('retry-after')).toBe('1');
    expect(await response.json()).toMatchObject({ title: 'Request timed out.' });
    expect(errors).toHaveLength(1);
    expect(errors[0]).toBeInstanceOf(TaxiiHttpError);
    expect((errors[0] as TaxiiHttpError).status).toBe(503);
    // the read fails after the answer: nothing more is reported
    settle().reject(new Error('late failure'));
    await vi.advanceTimersByTimeAsync(TIMEOUT_MS);
    expect(errors).toHaveLength(1);
  });

  it('answers in time with the page and leaves no timer running', async () => {
    const { storage, settle } = slowStorage();
    const errors: unknown[] = [];
    const handler = handlerFor(storage, (error) => errors.push(error));
    const answer = handler(page());
    await vi.advanceTimersByTimeAsync(TIMEOUT_MS / 2);
    expect(vi.getTimerCount()).toBe(1);
    settle().resolve();
    const response = await answer;
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ more: false, objects: [] });
    expect(vi.getTimerCount()).toBe(0);
    expect(errors).toEqual([]);
  });

  it('reports an unexpected failure once and answers 500; an onError that throws rejects', async () => {
    const { storage, settle } = slowStorage();
    const errors: unknown[] = [];
    const answer = handlerFor(storage, (error) => errors.push(error))(page());
    await vi.advanceTimersByTimeAsync(1);
    settle().reject(new Error('disk on fire'));
    const response = await answer;
    expect(response.status).toBe(500);
    expect(errors).toEqual([new Error('disk on fire')]);
    expect(vi.getTimerCount()).toBe(0);

    const second = slowStorage();
    const failing = handlerFor(second.storage, () => {
      throw new Error('onError failed');
    })(page());
    await vi.advanceTimersByTimeAsync(1);
    second.settle().reject(new Error('disk on fire'));
    await expect(failing).rejects.toThrow('onError failed');
    expect(vi.getTimerCount()).toBe(0);
  });
});

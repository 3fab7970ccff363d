import { afterAll, describe, expect, it } from 'vitest';
import type { Misbehaviour } from '../src/targets/watchdog-self-test';
import { Watchdog } from '../src/watchdog';

// Each verdict comes from a real child process doing the real thing (busy loop, exit,
// deep recursion, writing to Object.prototype).
describe('Watchdog', () => {
  const watchdog = new Watchdog({ maxOldSpaceMb: 256 });
  afterAll(() => watchdog.close());
  const run = (what: Misbehaviour, deadlineMs = 30_000) =>
    watchdog.run('watchdog self-test', { do: what }, deadlineMs);

  it.each([
    ['ok', 'ok'],
    ['typed', 'typed'],
    ['typed-from-never', 'throw-from-never'],
    ['untyped', 'untyped-throw'],
    ['overflow', 'stack-overflow'],
    ['pollute', 'prototype-pollution'],
    ['violate', 'invariant'],
    ['late-rejection', 'untyped-throw'],
  ] as const)('classifies %s as %s', async (what, kind) => {
    const reply = await run(what);
    expect(reply.kind).toBe(kind);
    expect(reply.step).toBe('self-test');
  });

  it('names the polluted property and restores Object.prototype for the next input', async () => {
    expect((await run('pollute')).message).toBe('Object.prototype.polluted added');
    expect(await run('ok')).toMatchObject({ kind: 'ok' });
  });

  it('kills a busy-looping child at the deadline and answers the next input from a fresh one', async () => {
    const reply = await run('hang', 1_500);
    expect(reply).toMatchObject({ kind: 'hang', message: 'no answer within 1500 ms (killed)' });
    expect(await run('ok')).toMatchObject({ kind: 'ok' });
  });

  it('reports a child that exits as a crash and carries on', async () => {
    expect(await run('crash')).toMatchObject({ kind: 'crash', message: 'child exited (code 3)' });
    expect(await run('typed')).toMatchObject({ kind: 'typed' });
  });
});

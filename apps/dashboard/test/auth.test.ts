import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Accounts, csrfMatches, hashPasswordScrypt, verifyPasswordScrypt } from '../src/hub/auth';
import { SqliteHubStore } from '../src/hub/store/sqlite-hub-store';

function accounts(): Accounts {
  return new Accounts(
    new SqliteHubStore(join(mkdtempSync(join(tmpdir(), 'hub-auth-')), 'store.sqlite')),
  );
}

describe('accounts', () => {
  it('hashes passwords with a fresh salt and verifies only the right one', async () => {
    const a = await hashPasswordScrypt('correct horse');
    const b = await hashPasswordScrypt('correct horse');
    expect(a).not.toBe(b);
    expect(a).toMatch(/^scrypt\$[0-9a-f]{32}\$[0-9a-f]{64}$/);
    expect(await verifyPasswordScrypt('correct horse', a)).toBe(true);
    expect(await verifyPasswordScrypt('correct horsf', a)).toBe(false);
    expect(await verifyPasswordScrypt('x', 'plain-text')).toBe(false);
  });

  it('opens a session with its own CSRF token, ends it on sign-out and on a new password', async () => {
    const users = accounts();
    await users.setPassword('admin', 'pw-1');
    const token = await users.signIn('admin', 'pw-1');
    const session = await users.session(token);
    expect(session?.username).toBe('admin');
    expect(csrfMatches(session!, session!.csrf)).toBe(true);
    expect(csrfMatches(session!, `${session!.csrf}x`)).toBe(false);
    expect(csrfMatches(session!, undefined)).toBe(false);
    await users.signOut(token);
    expect(await users.session(token)).toBeUndefined();
    const again = await users.signIn('admin', 'pw-1');
    await users.setPassword('admin', 'pw-2');
    expect(await users.session(again)).toBeUndefined();
    expect(await users.signIn('admin', 'pw-1')).toBeUndefined();
  });

  it('locks a user name after ten failures, even for the right password', async () => {
    const users = accounts();
    await users.setPassword('admin', 'right');
    for (let i = 0; i < 10; i++) expect(await users.signIn('admin', `wrong-${i}`)).toBeUndefined();
    expect(users.locked('admin')).toBe(true);
    expect(await users.signIn('admin', 'right')).toBeUndefined();
    // Another user name is not affected.
    expect(users.locked('someone-else')).toBe(false);
  });
});

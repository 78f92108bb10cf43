import { existsSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CookieJar, startSymfonyApp, type SymfonyApp } from '@offramp/testing';
import { CorruptPhpSerializationError, UnexpectedPhpClassError } from '../php/php-object.js';
import { FileSessionStore } from '../session/file-session-store.js';
import { SymfonySessionIdentity } from './symfony-session-identity.js';
import { InvalidSymfonySessionIdError, SYMFONY_SESSION_FORMAT } from './symfony-session.js';

const USER_CLASS = 'App\\Security\\User';
const LIFETIME_S = 7_200;

/** A PHP string value: its length in bytes, as serialize() counts. */
const phpString = (text: string) => `s:${Buffer.byteLength(text)}:"${text}";`;
/** A native session file's data holding one attributes bag with the firewall's token. */
const sessionWithToken = (token: string) =>
  `_sf2_attributes|a:1:{${phpString('_security_main')}${phpString(token)}}_sf2_meta|a:3:{s:1:"u";i:1;s:1:"c";i:1;s:1:"l";i:0;}`;

// Sessions the real Symfony app (apps/legacy-symfony, php -S) wrote after a real form login,
// read the way the gateway reads them: PHP's native session files (sess_<id>).
describe('identity from the real Symfony session (native session files)', () => {
  let app: SymfonyApp;
  let refused: Error[];
  let identity: SymfonySessionIdentity;
  let store: FileSessionStore;

  beforeAll(async () => {
    app = await startSymfonyApp({ env: { SESSION_LIFETIME_SECONDS: String(LIFETIME_S) } });
    store = new FileSessionStore(app.sessionPath, LIFETIME_S / 60, SYMFONY_SESSION_FORMAT);
  }, 120_000);

  beforeEach(() => {
    refused = [];
    identity = new SymfonySessionIdentity({ store, userClasses: [USER_CLASS], cacheMs: 0, onRefusedToken: (_, error) => refused.push(error) });
  });

  afterAll(async () => {
    await app?.close();
  });

  const sessionIdOf = (cookies: string) => new CookieJar(cookies).get('PHPSESSID') ?? '';
  /** A session file planted under a well-formed id, as if the monolith had written it. */
  const plant = (sessionId: string, data: string) => writeFileSync(join(app.sessionPath, `sess_${sessionId}`), data);

  describe('what an attacker sends', () => {
    it('never reads outside the save path: a forged id like ../../etc/passwd is no session id', async () => {
      for (const forged of [
        '../../etc/passwd',
        '..%2F..%2Fetc%2Fpasswd',
        '/etc/passwd',
        'abc',
        `${'a'.repeat(30)}/../x`,
        'a'.repeat(251),
        `${'a'.repeat(30)}\u0000`,
      ]) {
        expect(identity.sessionIdOfValue(forged)).toBeUndefined();
        expect(await identity.lookup(`PHPSESSID=${forged}`)).toEqual({});
        await expect(store.read(forged)).rejects.toBeInstanceOf(InvalidSymfonySessionIdError);
      }
      expect(refused).toEqual([]);
    });

    it('gives no identity for a well-formed id the store does not have', async () => {
      expect(await identity.lookup(`PHPSESSID=${'q'.repeat(26)}`)).toEqual({ sessionId: 'q'.repeat(26) });
    });

    it('refuses a token of an unknown class without instantiating anything, and says so', async () => {
      plant('evil0000000000000000000001', sessionWithToken('O:8:"Evil\\Pwn":1:{s:3:"cmd";s:2:"id";}'));
      expect(await identity.lookupSession('evil0000000000000000000001')).toEqual({ sessionId: 'evil0000000000000000000001' });
      expect(refused).toHaveLength(1);
      expect(refused[0]).toBeInstanceOf(UnexpectedPhpClassError);
      expect((refused[0] as UnexpectedPhpClassError).phpClass).toBe('Evil\\Pwn');
    });

    it('refuses a real token whose user is of a class that is not configured', async () => {
      const cookies = await app.login('customer@example.test');
      const real = readFileSync(join(app.sessionPath, `sess_${sessionIdOf(cookies)}`), 'utf8');
      const token = /s:\d+:"(O:74:"Symfony.*\}\}\})";\}/s.exec(real)?.[1] ?? '';
      expect(token).toContain('O:17:"App\\Security\\User"');
      // The same length, so that every count in the serialization stays right: only the class differs.
      plant('evil0000000000000000000002', sessionWithToken(token.replace('O:17:"App\\Security\\User"', 'O:17:"App\\Security\\Evil"')));
      expect((await identity.lookupSession('evil0000000000000000000002')).user).toBeUndefined();
      expect(refused.map((error) => (error as UnexpectedPhpClassError).phpClass)).toEqual(['App\\Security\\Evil']);
    });

    it('gives no identity for a truncated token (and no crash), with a log-worthy reason', async () => {
      const cookies = await app.login('customer@example.test');
      const real = readFileSync(join(app.sessionPath, `sess_${sessionIdOf(cookies)}`), 'utf8');
      const token = /s:\d+:"(O:74:"Symfony.*\}\}\})";\}/s.exec(real)?.[1] ?? '';
      for (const cut of [token.length - 1, Math.floor(token.length / 2), 10]) {
        plant('trunc00000000000000000000' + String(cut).padStart(3, '0'), sessionWithToken(token.slice(0, cut)));
        expect((await identity.lookupSession('trunc00000000000000000000' + String(cut).padStart(3, '0'))).user).toBeUndefined();
      }
      expect(refused).toHaveLength(3);
      for (const error of refused) expect(error).toBeInstanceOf(CorruptPhpSerializationError);
    });

    it('gives no identity for a session file cut short (the whole session unreadable)', async () => {
      const cookies = await app.login('customer@example.test');
      const real = readFileSync(join(app.sessionPath, `sess_${sessionIdOf(cookies)}`), 'utf8');
      plant('cut00000000000000000000001', real.slice(0, real.length - 40));
      expect(await identity.lookupSession('cut00000000000000000000001')).toEqual({ sessionId: 'cut00000000000000000000001' });
    });
  });

  it('finds the logged-in user in the token of the main firewall', async () => {
    const cookies = await app.login('customer@example.test');
    const lookup = await identity.lookup(cookies);
    expect(lookup.sessionId).toMatch(/^[a-z0-9]{26}$/);
    expect(lookup.user).toEqual({ userId: '2', email: 'customer@example.test', name: 'Carl Customer', roles: ['ROLE_USER'] });
    const admin = await identity.lookup(await app.login('admin@example.test'));
    expect(admin.user).toMatchObject({ userId: '1', email: 'admin@example.test', roles: ['ROLE_USER', 'ROLE_ADMIN'] });
    expect(refused).toEqual([]);
  });

  it('gives no user for a session that only visited the login page, or of another firewall', async () => {
    const jar = new CookieJar();
    const page = await fetch(`${app.url}/login`);
    await page.text();
    jar.keep(page);
    expect(await identity.lookup(jar.header())).toEqual({ sessionId: jar.get('PHPSESSID') });
    const cookies = await app.login('customer@example.test');
    const admin = new SymfonySessionIdentity({ store, userClasses: [USER_CLASS], firewall: 'admin', cacheMs: 0 });
    expect((await admin.lookup(cookies)).user).toBeUndefined();
  });

  it('gives no user after logout: Symfony invalidates the session', async () => {
    const cookies = await app.login('customer@example.test');
    expect((await identity.lookup(cookies)).user?.userId).toBe('2');
    const logout = await fetch(`${app.url}/logout`, { headers: { cookie: cookies }, redirect: 'manual' });
    await logout.text();
    expect(logout.status).toBe(302);
    expect(existsSync(join(app.sessionPath, `sess_${sessionIdOf(cookies)}`))).toBe(false);
    expect(await identity.lookup(cookies)).toEqual({ sessionId: sessionIdOf(cookies) });
    // The monolith agrees: the old cookie is nobody.
    expect((await fetch(`${app.url}/_offramp/whoami`, { headers: { cookie: cookies } })).status).toBe(401);
  });

  it('gives no user for a session file older than the lifetime', async () => {
    const cookies = await app.login('customer@example.test');
    const old = Date.now() / 1_000 - LIFETIME_S - 60;
    utimesSync(join(app.sessionPath, `sess_${sessionIdOf(cookies)}`), old, old);
    expect((await identity.lookup(cookies)).user).toBeUndefined();
  });

  it('keeps a read briefly and forgets it when told (a logout passing through the gateway)', async () => {
    const cached = new SymfonySessionIdentity({ store, userClasses: [USER_CLASS], cacheMs: 60_000 });
    const cookies = await app.login('customer@example.test');
    const sessionId = sessionIdOf(cookies);
    expect((await cached.lookup(cookies)).user?.userId).toBe('2');
    expect(cached.holds(sessionId)).toBe(true);
    await (await fetch(`${app.url}/logout`, { headers: { cookie: cookies }, redirect: 'manual' })).text();
    expect((await cached.lookup(cookies)).user?.userId).toBe('2'); // the cache window the gateway closes on logout
    cached.forget(sessionId);
    expect((await cached.lookup(cookies)).user).toBeUndefined();
  });
});

import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LEGACY_AUTOLOAD } from '../__fixtures__/php-cli.js';
import { PhpObject } from '../php/php-object.js';
import { decodeSessionPayload } from './decode-session.js';

const SESSION_ID = 'b'.repeat(40);

describe('decodeSessionPayload of what Laravel’s own session Store saves', () => {
  let directory: string;

  beforeEach(() => {
    directory = mkdtempSync(join(tmpdir(), 'offramp-decode-session-'));
  });

  afterEach(() => rmSync(directory, { recursive: true, force: true }));

  // php-serialize (the reader before) did not know `r:`: such a session read as none, its user as logged out.
  it('reads a session holding one model under two keys (written once, then r:) and a flashed ViewErrorBag, instantiating nothing', () => {
    const code = `
      require ${JSON.stringify(LEGACY_AUTOLOAD)};
      $store = new Illuminate\\Session\\Store('laravel_session', new Illuminate\\Session\\FileSessionHandler(new Illuminate\\Filesystem\\Filesystem(), $argv[1], 120), $argv[2]);
      $store->start();
      $user = new App\\Models\\User();
      $user->id = 7;
      $store->put('login_web_x', 7);
      $store->put('viewer', $user);
      $store->put('owner', $user);
      $store->flash('errors', (new Illuminate\\Support\\ViewErrorBag())->put('default', new Illuminate\\Support\\MessageBag(['email' => ['bad']])));
      $store->save();
    `;
    execFileSync('php', ['-r', code, '--', directory, SESSION_ID], { timeout: 30_000 });
    const payload = readFileSync(join(directory, SESSION_ID), 'utf8');
    expect(payload).toMatch(/s:5:"owner";r:\d+;/);

    const session = decodeSessionPayload(payload);
    expect(session?.login_web_x).toBe(7);
    expect(session?._token).toMatch(/^[A-Za-z0-9]{40}$/);
    const viewer = session?.viewer as PhpObject;
    expect(viewer).toBeInstanceOf(PhpObject);
    expect(viewer.phpClass).toBe('App\\Models\\User');
    expect(viewer.properties.attributes).toEqual({ id: 7 });
    expect(session?.owner).toBe(viewer);
    expect(session?.errors).toEqual(
      new PhpObject('Illuminate\\Support\\ViewErrorBag', {
        bags: { default: new PhpObject('Illuminate\\Support\\MessageBag', { messages: { email: ['bad'] }, format: ':message' }) },
      }),
    );
    expect(session?._flash).toEqual({ new: [], old: ['errors'] });
  });

  it('reads no session from a reference to a value that contains it, or to none', () => {
    for (const broken of ['a:1:{s:1:"a";a:1:{i:0;R:2;}}', 'a:1:{s:1:"a";r:1;}', 'a:1:{s:1:"a";r:9;}', 'a:1:{s:1:"a";r:0;}']) {
      expect(decodeSessionPayload(broken)).toBeUndefined();
    }
  });
});

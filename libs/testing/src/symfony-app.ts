import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { httpStatus, waitUntil, workspaceRoot } from '@offramp/processes';
import { startProcess, type ManagedProcess } from './child-process.js';
import { freePort } from './free-port.js';
import { tempDir, tempSqlite } from './temp-dir.js';

export interface SymfonyApp extends ManagedProcess {
  url: string;
  port: number;
  databaseUrl: string;
  /** APP_VAR_DIR: cache and logs. */
  varDir: string;
  /** SESSION_SAVE_PATH: the `sess_<id>` files when SESSION_DRIVER=file. */
  sessionPath: string;
  /** The session cookie's name (framework.session.name: the app's SESSION_COOKIE, PHPSESSID by default). */
  sessionCookie: string;
  /** A browser's form login (GET /login for the session and CSRF token, POST the form); the Cookie header it sends next. */
  login(email?: string, password?: string): Promise<string>;
  /** Stops the app and removes its temp database and folders. */
  close(): Promise<void>;
}

export interface StartSymfonyAppOptions {
  /** The app's own variables (SESSION_DRIVER, SESSION_TABLE, REDIS_SESSION_PREFIX, …; see apps/legacy-symfony/config). */
  env?: Record<string, string>;
  /** Defaults to a fresh temp SQLite file. */
  databaseUrl?: string;
  timeoutMs?: number;
}

/**
 * The real Symfony monolith (apps/legacy-symfony/bin/serve: cache warmed, migrated, seeded, PHP's
 * built-in server) on a free port, with its own APP_SECRET, temp SQLite database, var folder and
 * session folder.
 */
export async function startSymfonyApp(options: StartSymfonyAppOptions = {}): Promise<SymfonyApp> {
  const port = await freePort();
  const database = options.databaseUrl ? undefined : tempSqlite('symfony.sqlite');
  const folders = tempDir('offramp-symfony-');
  const varDir = join(folders.path, 'var');
  const sessionPath = join(folders.path, 'sessions');
  mkdirSync(varDir, { recursive: true });
  mkdirSync(sessionPath, { recursive: true });
  const databaseUrl = options.databaseUrl ?? database?.url ?? '';
  const env = {
    PORT: String(port),
    HOST: '127.0.0.1',
    APP_ENV: 'prod',
    APP_DEBUG: '0',
    APP_SECRET: randomBytes(16).toString('hex'),
    DATABASE_URL: databaseUrl,
    APP_VAR_DIR: varDir,
    SESSION_SAVE_PATH: sessionPath,
    PHP_CLI_SERVER_WORKERS: '2',
    SEED_PRODUCTS: '20',
    SEED_USERS: '5',
    ...options.env,
  };
  const child = startProcess(join(workspaceRoot(), 'apps/legacy-symfony/bin/serve'), [], {
    cwd: join(workspaceRoot(), 'apps/legacy-symfony'),
    env: { ...process.env, ...env },
  });
  const url = `http://127.0.0.1:${port}`;
  const close = async () => {
    await child.stop('SIGTERM', 5_000);
    database?.remove();
    folders.remove();
  };
  try {
    await waitUntil(
      async () => {
        if (!child.isRunning()) throw new Error(`legacy-symfony exited with code ${await child.exited}`);
        return (await httpStatus(`${url}/login`)) === 200;
      },
      { timeoutMs: options.timeoutMs ?? 90_000, intervalMs: 200, description: 'legacy-symfony /login' },
    );
  } catch (error) {
    const output = child.output();
    await close();
    throw new Error(`${(error as Error).message}\n--- legacy-symfony output ---\n${output}`, { cause: error });
  }
  const sessionCookie = options.env?.['SESSION_COOKIE'] ?? 'PHPSESSID';
  return Object.assign(child, {
    url,
    port,
    databaseUrl,
    varDir,
    sessionPath,
    sessionCookie,
    close,
    login: (email?: string, password?: string) => symfonyLogin(url, email, password),
  });
}

/** Cookies as a browser keeps them: set, replaced, and dropped when expired (Symfony's logout sends `deleted`, Max-Age=0). */
export class CookieJar {
  private readonly cookies = new Map<string, string>();

  constructor(header = '') {
    for (const pair of header.split(/;\s*/).filter(Boolean)) {
      const equals = pair.indexOf('=');
      this.cookies.set(pair.slice(0, equals), pair.slice(equals + 1));
    }
  }

  keep(response: Response): void {
    for (const cookie of response.headers.getSetCookie()) {
      const [pair = '', ...attributes] = cookie.split(';');
      const equals = pair.indexOf('=');
      const name = pair.slice(0, equals).trim();
      const expired = attributes.some((attribute) => /^\s*max-age=0\s*$/i.test(attribute));
      if (expired) this.cookies.delete(name);
      else this.cookies.set(name, pair.slice(equals + 1));
    }
  }

  get(name: string): string | undefined {
    return this.cookies.get(name);
  }

  header(): string {
    return [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; ');
  }
}

/** A browser's form login against the Symfony monolith (directly or through the gateway): GET /login, then POST the form with its CSRF token. */
export async function symfonyLogin(baseUrl: string, email = 'customer@example.test', password = 'password'): Promise<string> {
  const jar = new CookieJar();
  const form = await fetch(`${baseUrl}/login`, { redirect: 'manual', signal: AbortSignal.timeout(15_000) });
  const page = await form.text();
  jar.keep(form);
  const csrf = /name="_csrf_token" value="([^"]+)"/.exec(page)?.[1];
  if (!csrf) throw new Error(`GET /login has no _csrf_token field (status ${form.status})`);
  const login = await fetch(`${baseUrl}/login`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: jar.header() },
    body: new URLSearchParams({ email, password, _csrf_token: csrf }).toString(),
    signal: AbortSignal.timeout(15_000),
  });
  const body = await login.text();
  // form_login redirects to the target on success, and back to /login (or 422 with the form) on failure.
  const location = login.headers.get('location') ?? '';
  if (login.status !== 302 || location.endsWith('/login')) throw new Error(`POST /login answered ${login.status} ${location}: ${body.slice(0, 300)}`);
  jar.keep(login);
  return jar.header();
}

import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { startProcess, type ManagedProcess } from './child-process.js';
import { freePort } from './free-port.js';
import { tempDir, tempSqlite } from './temp-dir.js';
import { httpStatus, waitUntil } from '@offramp/processes';
import { workspaceRoot } from '@offramp/processes';

export interface LegacyApp extends ManagedProcess {
  url: string;
  port: number;
  appKey: string;
  databaseUrl: string;
  /** The app's storage folder (sessions in `framework/sessions`). */
  storagePath: string;
  /** Logs in (session, CSRF, JSON login) and returns the Cookie header a browser would send next. */
  login(email?: string, password?: string): Promise<string>;
  /** Stops the app and removes its temp database and storage. */
  close(): Promise<void>;
}

export interface StartLegacyAppOptions {
  env?: Record<string, string>;
  /** Defaults to a fresh temp SQLite file. */
  databaseUrl?: string;
  timeoutMs?: number;
}

/**
 * The real Laravel monolith (apps/legacy/bin/serve) on a free port, with its own APP_KEY, temp
 * SQLite database (migrated and seeded by bin/serve) and temp storage folder.
 */
export async function startLegacyApp(options: StartLegacyAppOptions = {}): Promise<LegacyApp> {
  const port = await freePort();
  const database = options.databaseUrl ? undefined : tempSqlite('legacy.sqlite');
  const storage = tempDir('offramp-legacy-storage-');
  for (const folder of ['app', 'framework/sessions', 'framework/views', 'framework/cache/data', 'logs'])
    mkdirSync(join(storage.path, folder), { recursive: true });
  const appKey = `base64:${randomBytes(32).toString('base64')}`;
  const databaseUrl = options.databaseUrl ?? database?.url ?? '';
  const child = startProcess(join(workspaceRoot(), 'apps/legacy/bin/serve'), [], {
    cwd: join(workspaceRoot(), 'apps/legacy'),
    env: {
      ...process.env,
      PORT: String(port),
      HOST: '127.0.0.1',
      APP_KEY: appKey,
      APP_ENV: 'testing',
      DATABASE_URL: databaseUrl,
      APP_STORAGE_PATH: storage.path,
      PHP_CLI_SERVER_WORKERS: '2',
      SEED_PRODUCTS: '50',
      SEED_USERS: '5',
      SEED_ORDERS: '10',
      LOG_CHANNEL: 'stderr',
      ...options.env,
    },
  });
  const url = `http://127.0.0.1:${port}`;
  const close = async () => {
    await child.stop('SIGTERM', 5_000);
    database?.remove();
    storage.remove();
  };
  try {
    await waitUntil(
      async () => {
        if (!child.isRunning()) throw new Error(`legacy exited with code ${await child.exited}`);
        return (await httpStatus(`${url}/products`)) === 200;
      },
      { timeoutMs: options.timeoutMs ?? 60_000, intervalMs: 200, description: 'legacy /products' },
    );
  } catch (error) {
    const output = child.output();
    await close();
    throw new Error(`${(error as Error).message}\n--- legacy output ---\n${output}`, { cause: error });
  }
  return Object.assign(child, {
    url,
    port,
    appKey,
    databaseUrl,
    storagePath: storage.path,
    close,
    login: (email?: string, password?: string) => legacyLogin(url, email, password),
  });
}

/** A browser's login against the monolith: GET /login for the session and XSRF cookies, then POST /login. */
export async function legacyLogin(baseUrl: string, email = 'admin@example.test', password = 'password'): Promise<string> {
  const jar = new Map<string, string>();
  const keep = (response: Response) => {
    for (const cookie of response.headers.getSetCookie()) {
      const pair = cookie.split(';')[0] ?? '';
      const equals = pair.indexOf('=');
      jar.set(pair.slice(0, equals), pair.slice(equals + 1));
    }
  };
  const header = () => [...jar].map(([name, value]) => `${name}=${value}`).join('; ');
  const form = await fetch(`${baseUrl}/login`, { redirect: 'manual' });
  await form.arrayBuffer();
  keep(form);
  const xsrf = jar.get('XSRF-TOKEN');
  if (!xsrf) throw new Error(`GET /login set no XSRF-TOKEN cookie (status ${form.status})`);
  const login = await fetch(`${baseUrl}/login`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/json', accept: 'application/json', cookie: header(), 'x-xsrf-token': decodeURIComponent(xsrf) },
    body: JSON.stringify({ email, password }),
  });
  const body = await login.text();
  if (login.status !== 200) throw new Error(`POST /login answered ${login.status}: ${body.slice(0, 300)}`);
  keep(login);
  return header();
}

// The monolith as production runs it: php-fpm (pm = static, one worker per core, OPcache on) behind
// nginx, Laravel's config and route caches built; all from Debian's packages, each as a child
// process of the benchmark with its own config in a temp folder (no system service, nothing under
// /etc written, nothing in the repo dirtied: storage and bootstrap caches are temp folders too).
import { execFile, execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { freePort, httpStatus, startProcess, waitUntil, workspaceRoot, type ManagedProcess } from '@offramp/testing';
import { dpkgInstalled, fileExists, type DebianPackage } from '../debian-packages.js';

const PHP_FPM = '/usr/sbin/php-fpm8.2';
const NGINX = '/usr/sbin/nginx';

/** What the production-like monolith needs from Debian (the PHP CLI and Laravel come with the preflight). */
export const LEGACY_PRODUCTION_PACKAGES: DebianPackage[] = [
  { name: 'php8.2-fpm', present: fileExists(PHP_FPM) },
  { name: 'php8.2-opcache', present: () => dpkgInstalled('php8.2-opcache') },
  { name: 'nginx-light', present: fileExists(NGINX) },
];

export interface LegacyDeployment {
  /** The environment the monolith runs with (artisan and php-fpm alike). */
  env: Record<string, string>;
  legacyRoot: string;
}

const run = promisify(execFile);

/**
 * A deployment of apps/legacy on `databaseUrl` with a temp storage folder and temp bootstrap
 * caches (Laravel reads their paths from APP_*_CACHE), as production configures it.
 */
export function legacyDeployment(folder: string, databaseUrl: string): LegacyDeployment {
  const storage = join(folder, 'storage');
  const cache = join(folder, 'bootstrap-cache');
  for (const sub of ['app', 'framework/sessions', 'framework/views', 'framework/cache/data', 'logs']) mkdirSync(join(storage, sub), { recursive: true });
  mkdirSync(cache, { recursive: true });
  return {
    legacyRoot: join(workspaceRoot(), 'apps/legacy'),
    env: {
      APP_ENV: 'production',
      APP_DEBUG: 'false',
      APP_KEY: `base64:${randomBytes(32).toString('base64')}`,
      DATABASE_URL: databaseUrl,
      APP_STORAGE_PATH: storage,
      APP_CONFIG_CACHE: join(cache, 'config.php'),
      APP_ROUTES_CACHE: join(cache, 'routes-v7.php'),
      APP_SERVICES_CACHE: join(cache, 'services.php'),
      APP_PACKAGES_CACHE: join(cache, 'packages.php'),
      APP_EVENTS_CACHE: join(cache, 'events.php'),
      LOG_CHANNEL: 'stack',
      LOG_LEVEL: 'warning',
    },
  };
}

/** `php artisan …` in apps/legacy with the deployment's environment (the caller's SEED_* pass through). */
export async function artisan(deployment: LegacyDeployment, args: string[]): Promise<string> {
  const env: NodeJS.ProcessEnv = { PATH: process.env['PATH'], HOME: process.env['HOME'], ...deployment.env };
  for (const name of ['SEED', 'SEED_PRODUCTS', 'SEED_USERS', 'SEED_ORDERS']) if (process.env[name]) env[name] = process.env[name];
  try {
    const { stdout } = await run('php', ['artisan', ...args], { cwd: deployment.legacyRoot, env, maxBuffer: 16 * 1024 * 1024 });
    return stdout.trim();
  } catch (error) {
    const failed = error as Error & { stdout?: string; stderr?: string };
    throw new Error(`php artisan ${args.join(' ')} failed: ${failed.message}\n${failed.stdout ?? ''}${failed.stderr ?? ''}`, { cause: error });
  }
}

export interface LegacyServer {
  url: string;
  phpFpm: ManagedProcess;
  nginx: ManagedProcess;
  workers: number;
  stop(): Promise<void>;
}

/** php-fpm's view of its own ini: OPcache must be loaded and enabled, or the baseline is not production's. */
export function checkOpcache(): void {
  const info = execFileSync(PHP_FPM, ['-i'], { encoding: 'utf8' });
  if (!/^opcache\.enable => On/m.test(info))
    throw new Error(
      `OPcache is not enabled for php-fpm (${PHP_FPM} -i shows no "opcache.enable => On"): install php8.2-opcache and check /etc/php/8.2/fpm/conf.d`,
    );
}

/** php-fpm and nginx for the deployment, on free loopback ports; resolves once /api/products answers 200. */
export async function startLegacyServer(deployment: LegacyDeployment, folder: string, workers: number): Promise<LegacyServer> {
  const asRoot = process.getuid?.() === 0;
  const fpmPort = await freePort();
  const fpmConfig = join(folder, 'php-fpm.conf');
  const quoted = (value: string) => `"${value.replace(/"/g, '')}"`;
  writeFileSync(
    fpmConfig,
    `[global]
pid = ${join(folder, 'php-fpm.pid')}
error_log = ${join(folder, 'php-fpm.log')}
daemonize = no

[shop]
listen = 127.0.0.1:${fpmPort}
listen.backlog = 4096
${asRoot ? 'user = root\ngroup = root\n' : ''}pm = static
pm.max_children = ${workers}
pm.max_requests = 0
clear_env = yes
catch_workers_output = yes
php_admin_flag[opcache.enable] = on
php_admin_value[error_log] = ${join(folder, 'php-errors.log')}
${Object.entries({ PATH: process.env['PATH'] ?? '/usr/bin:/bin', ...deployment.env })
  .map(([name, value]) => `env[${name}] = ${quoted(value)}`)
  .join('\n')}
`,
  );
  const phpFpm = startProcess(PHP_FPM, [...(asRoot ? ['--allow-to-run-as-root'] : []), '--nodaemonize', '--fpm-config', fpmConfig]);

  const port = await freePort();
  const prefix = join(folder, 'nginx');
  mkdirSync(join(prefix, 'logs'), { recursive: true });
  const nginxConfig = join(prefix, 'nginx.conf');
  const temp = (name: string) => join(prefix, name);
  writeFileSync(
    nginxConfig,
    `${asRoot ? 'user root root;\n' : ''}worker_processes ${workers};
pid ${join(prefix, 'nginx.pid')};
error_log ${join(prefix, 'logs/error.log')} warn;
events { worker_connections 4096; }
http {
  access_log off;
  client_body_temp_path ${temp('client_body')};
  fastcgi_temp_path ${temp('fastcgi')};
  proxy_temp_path ${temp('proxy')};
  uwsgi_temp_path ${temp('uwsgi')};
  scgi_temp_path ${temp('scgi')};
  keepalive_requests 1000000;
  server {
    listen 127.0.0.1:${port};
    root ${join(deployment.legacyRoot, 'public')};
    index index.php;
    charset utf-8;
    # Laravel's documented nginx server block.
    location / {
      try_files $uri $uri/ /index.php?$query_string;
    }
    location ~ \\.php$ {
      fastcgi_pass 127.0.0.1:${fpmPort};
      fastcgi_param SCRIPT_FILENAME $realpath_root$fastcgi_script_name;
      include /etc/nginx/fastcgi_params;
    }
  }
}
`,
  );
  const nginx = startProcess(NGINX, ['-p', prefix, '-c', nginxConfig, '-g', 'daemon off;']);
  const url = `http://127.0.0.1:${port}`;
  const stop = async () => {
    await nginx.stop('SIGTERM', 5_000);
    await phpFpm.stop('SIGTERM', 5_000);
  };
  try {
    await waitUntil(
      async () => {
        if (!phpFpm.isRunning()) throw new Error(`php-fpm exited with code ${await phpFpm.exited}:\n${phpFpm.output()}`);
        if (!nginx.isRunning()) throw new Error(`nginx exited with code ${await nginx.exited}:\n${nginx.output()}`);
        return (await httpStatus(`${url}/api/products/1`)) === 200;
      },
      { timeoutMs: 30_000, intervalMs: 200, description: 'legacy (nginx + php-fpm) /api/products/1' },
    );
  } catch (error) {
    await stop();
    throw error;
  }
  return { url, phpFpm, nginx, workers, stop };
}

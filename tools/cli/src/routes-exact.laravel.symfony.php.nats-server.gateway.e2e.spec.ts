import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { compileRequirement, importRouteList, spansSegments, type ImportedRoute } from '@offramp/legacy-bridge';
import {
  E2E_ADMIN_TOKEN,
  freePort,
  gatewayAdmin,
  startGateway,
  startNatsServer,
  tempDir,
  waitUntil,
  workspaceRoot,
  writeRoutesFile,
  type NatsServerHandle,
  type ServiceProcess,
} from '@offramp/testing';
import { main, type CliIo } from './main.js';

/**
 * Issue 13 point 2: every route of both sample monoliths, imported by `offramp routes import` into a
 * real gateway, matches the URLs the framework's own router matches. For each route, two URLs it
 * matches and one it does not, made from the route's own requirements; the framework's router
 * (PHP, in tools/cli/src/routes-exact/) and the gateway (its admin API's resolve) must name the same
 * route for every one of them.
 */

interface Probe {
  route: string;
  kind: 'matches' | 'does not match';
  method: string;
  path: string;
  host: string;
  headers?: Record<string, string>;
}

const root = workspaceRoot();
const scripts = join(root, 'tools/cli/src/routes-exact');
/** What a value may be, most telling first: digits, words, slugs, slashes, hosts, the sample apps' lists. */
const CANDIDATES = [
  '42',
  '7',
  'abc',
  'red-wine',
  'AB-12',
  'Hello',
  'en',
  'fr',
  'json',
  'html',
  'pdf',
  'txt',
  'docs/intro',
  'a/b/c',
  'example.test',
  'acme',
  '123e4567-e89b-12d3-a456-426614174000',
  '9f1c2d3e-4b5a-4c6d-8e7f-0a1b2c3d4e5f',
  'x_y',
];
/**
 * The one route of apps/legacy-symfony with a condition matches only JSON callers: the framework is
 * asked with that header for the URLs the route matches (the gateway never reads it: the route is legacy-only).
 */
const CONDITION_HEADERS: Record<string, Record<string, string>> = { api_products: { Accept: 'application/json' } };
const DEFAULT_HOST = 'shop.test';

function params(pattern: string): { name: string; optional: boolean }[] {
  return [...pattern.matchAll(/\{(\w+)(\?)?\}/g)].map((match) => ({ name: match[1] as string, optional: match[2] === '?' }));
}

/** Values of a parameter its requirement accepts (two, where there are), and one it refuses (if any). */
function valuesFor(route: ImportedRoute, name: string, inHost: boolean): { accepted: string[]; refused?: string } {
  const requirement = route.requirements?.[name];
  if (!requirement) return { accepted: inHost ? ['acme', 'shop'] : ['abc', '42'] };
  // Hosts are matched without regard to case by both frameworks.
  const regex = compileRequirement(requirement, inHost ? 'i' : '');
  const accepted = CANDIDATES.filter((value) => regex.test(value));
  if (spansSegments(requirement)) accepted.sort((a, b) => Number(b.includes('/')) - Number(a.includes('/')));
  const refused = CANDIDATES.find((value) => !regex.test(value) && !(inHost && value.includes('/')));
  if (accepted.length === 0) throw new Error(`no candidate value for {${name}} of ${route.name} (${requirement}): add one to CANDIDATES`);
  // The first and the longest other: digits and a slug, a word and a path.
  const [first, ...others] = accepted as [string, ...string[]];
  const longest = others.reduce((best, value) => (value.length > best.length ? value : best), others[0] ?? first);
  return { accepted: [first, longest], refused };
}

function fill(pattern: string, values: Record<string, string | undefined>): string {
  // An optional parameter left out takes the separator before it along (Symfony's compiler).
  return pattern.replace(/([/.,;:_~+*=@|-]?)\{(\w+)\??\}/g, (_all, separator: string, name: string) =>
    values[name] === undefined ? '' : `${separator}${values[name]}`,
  );
}

function probesFor(route: ImportedRoute): Probe[] {
  const name = route.name as string;
  const methods = route.method === '*' ? ['GET'] : route.method.split('|');
  const method = methods.includes('GET') ? 'GET' : (methods[0] as string);
  const pathParams = params(route.path);
  const hostParams = params(route.host ?? '');
  const values = new Map<string, { accepted: string[]; refused?: string }>();
  for (const param of pathParams) values.set(param.name, valuesFor(route, param.name, false));
  for (const param of hostParams) values.set(param.name, valuesFor(route, param.name, true));
  const pick = (index: number, omitOptional: boolean) =>
    Object.fromEntries(
      [...pathParams, ...hostParams].map((param) => [param.name, omitOptional && param.optional ? undefined : values.get(param.name)?.accepted[index]]),
    );
  const at = (chosen: Record<string, string | undefined>) => ({
    path: fill(route.path, chosen) || '/',
    host: route.host ? fill(route.host, chosen) : DEFAULT_HOST,
  });
  const headers = CONDITION_HEADERS[name];
  const probes: Probe[] = [
    { route: name, kind: 'matches', method, ...at(pick(0, false)), ...(headers ? { headers } : {}) },
    // HEAD on a GET route (both frameworks answer it), else the route's other method; the optional parameters left out.
    { route: name, kind: 'matches', method: method === 'GET' ? 'HEAD' : (methods[1] ?? method), ...at(pick(1, true)), ...(headers ? { headers } : {}) },
  ];
  const refusable = [...pathParams, ...hostParams].find((param) => values.get(param.name)?.refused !== undefined);
  if (refusable) {
    probes.push({ route: name, kind: 'does not match', method, ...at({ ...pick(0, false), [refusable.name]: values.get(refusable.name)?.refused }) });
  } else if (route.host) {
    probes.push({ route: name, kind: 'does not match', method, ...at(pick(0, false)), host: 'elsewhere.test' });
  } else if (route.method !== '*') {
    const other = ['POST', 'DELETE', 'PUT', 'PATCH', 'GET'].find((candidate) => !methods.includes(candidate)) as string;
    probes.push({ route: name, kind: 'does not match', method: other, ...at(pick(0, false)) });
  } else {
    const { path, host } = at(pick(0, false));
    probes.push({ route: name, kind: 'does not match', method, path: `${path === '/' ? '' : path}/extra/segments`, host });
  }
  return probes;
}

function frameworkDecides(script: string, probes: Probe[], env: NodeJS.ProcessEnv): (string | null)[] {
  const answer = execFileSync('php', [join(scripts, script), 'match'], { input: JSON.stringify(probes), encoding: 'utf8', env, timeout: 120_000 });
  return JSON.parse(answer) as (string | null)[];
}

describe('routes read exactly: the gateway matches what Laravel and Symfony match', () => {
  let nats: NatsServerHandle;
  let folder: { path: string; remove(): void };
  let routesFile: { path: string; remove(): void };
  const gateways: ServiceProcess[] = [];
  const phpEnv = () => ({ ...process.env, APP_VAR_DIR: join(folder.path, 'symfony-var'), APP_ENV: 'dev', APP_DEBUG: '0' });

  beforeAll(async () => {
    nats = await startNatsServer();
    folder = tempDir('offramp-routes-exact-');
    routesFile = writeRoutesFile('routes: []\n');
  }, 60_000);

  afterAll(async () => {
    for (const gateway of gateways) await gateway.stop();
    await nats?.stop();
    routesFile?.remove();
    folder?.remove();
  });

  async function gatewayWithRoutes(
    bucket: string,
    routeList: string,
  ): Promise<{ gateway: ServiceProcess; err: string; result: { added: string[]; warnings: string[] } }> {
    const gateway = await startGateway({
      natsUrl: nats.url,
      legacyUrl: `http://127.0.0.1:${await freePort()}`,
      databaseUrl: `sqlite://${join(folder.path, `${bucket}.sqlite`)}`,
      routesFile: routesFile.path,
      bucket,
    });
    gateways.push(gateway);
    await waitUntil(async () => (await gatewayAdmin(gateway, 'GET', '/routes')).json?.loaded === true, { description: 'route table loaded' });
    let out = '';
    let err = '';
    const io: CliIo = {
      out: (text) => (out += text),
      err: (text) => (err += text),
      env: { OFFRAMP_ADMIN_URL: gateway.adminUrl, OFFRAMP_ADMIN_TOKEN: E2E_ADMIN_TOKEN },
      readStdin: () => routeList,
    };
    expect(await main(['routes', 'import', '-', '--reason', 'inventory for the exactness test', '--json'], io)).toBe(0);
    // The text output says the warnings on stderr; with --json they are in the answer.
    return { gateway, err, result: JSON.parse(out) };
  }

  async function gatewayDecides(gateway: ServiceProcess, probes: Probe[]): Promise<{ name: string | null; legacyOnly: boolean }[]> {
    return Promise.all(
      probes.map(async (probe) => {
        const query = new URLSearchParams({ method: probe.method, path: probe.path, host: probe.host });
        const { status, json } = await gatewayAdmin(gateway, 'GET', `/routes/resolve?${query}`);
        expect(status).toBe(200);
        return { name: json.matched ? (json.route.name ?? json.id) : null, legacyOnly: !!json.route?.legacyOnly };
      }),
    );
  }

  /** Every probe: the framework's route as the probe meant it, and the gateway's the same. Disagreements listed, so one run shows them all. */
  function disagreements(probes: Probe[], framework: (string | null)[], gateway: { name: string | null; legacyOnly: boolean }[]): string[] {
    return probes.flatMap((probe, index) => {
      const decided = framework[index] ?? null;
      const matched = gateway[index] as { name: string | null; legacyOnly: boolean };
      const url = `${probe.method} ${probe.host}${probe.path}`;
      const problems: string[] = [];
      if (probe.kind === 'matches' && decided !== probe.route) problems.push(`${url}: made to match ${probe.route}, the framework says ${decided}`);
      if (probe.kind === 'does not match' && decided === probe.route) problems.push(`${url}: made not to match ${probe.route}, the framework says it does`);
      if (matched.name !== decided) problems.push(`${url}: the framework says ${decided}, the gateway ${matched.name}`);
      return problems;
    });
  }

  it('Laravel: every route of apps/legacy (and the shapes of laravel-extra-routes.php) as `php artisan offramp:routes` prints them', async () => {
    const routeList = execFileSync('php', [join(scripts, 'laravel-router.php'), 'export'], { encoding: 'utf8', timeout: 120_000 });
    const routes = importRouteList(routeList);
    expect(routes.length).toBeGreaterThanOrEqual(25);
    const { gateway, result } = await gatewayWithRoutes('routes_exact_laravel', routeList);
    expect(result.added).toHaveLength(routes.length);
    expect(result.warnings).toEqual([]);
    const probes = routes.flatMap(probesFor);
    const framework = frameworkDecides('laravel-router.php', probes, process.env);
    expect(disagreements(probes, framework, await gatewayDecides(gateway, probes))).toEqual([]);
    expect(probes.length).toBe(routes.length * 3);
  }, 120_000);

  it('Symfony: every route of apps/legacy-symfony as `bin/console debug:router --format=json` prints them', async () => {
    const routeList = execFileSync('php', ['bin/console', 'debug:router', '--format=json'], {
      cwd: join(root, 'apps/legacy-symfony'),
      encoding: 'utf8',
      env: phpEnv(),
      timeout: 120_000,
    });
    const routes = importRouteList(routeList);
    const { gateway, result, err } = await gatewayWithRoutes('routes_exact_symfony', routeList);
    expect(result.added).toHaveLength(routes.length);
    // The route with a condition stays on the monolith, and the import says so.
    expect(result.warnings).toEqual([
      expect.stringMatching(/^GET\|HEAD \/api\/products stays on the monolith: its condition .* is evaluated by Symfony only$/),
    ]);
    expect(err).toBe('');
    const probes = routes.flatMap(probesFor);
    const framework = frameworkDecides('symfony-router.php', probes, phpEnv());
    expect(disagreements(probes, framework, await gatewayDecides(gateway, probes))).toEqual([]);

    // Without the header its condition asks for, Symfony gives the route no request; the gateway
    // matches it, legacy-only: the request goes to the monolith either way, which answers as it decides.
    const plain: Probe = { route: 'api_products', kind: 'does not match', method: 'GET', path: '/api/products', host: DEFAULT_HOST };
    expect(frameworkDecides('symfony-router.php', [plain], phpEnv())).toEqual([null]);
    expect(await gatewayDecides(gateway, [plain])).toEqual([{ name: 'api_products', legacyOnly: true }]);
  }, 180_000);
});

import Fastify, { type FastifyInstance } from 'fastify';
import { runPhp } from '../__fixtures__/php-cli.js';
import { LaravelRequestUrl } from './request-url.js';

interface UrlCase {
  trusted: string;
  remote: string;
  url: string;
  headers: Record<string, string>;
}

const LOOPBACK = '127.0.0.1,::1';
const forwarded = (headers: Record<string, string>, remote = '127.0.0.1', trusted = LOOPBACK): UrlCase => ({
  trusted,
  remote,
  url: '/api/products?page=2',
  headers,
});

const CASES: UrlCase[] = [
  forwarded({ host: 'shop.test' }),
  forwarded({ host: 'SHOP.Test:80' }),
  forwarded({ host: 'shop.test:8080' }),
  forwarded({ host: '[::1]:8080' }),
  { trusted: LOOPBACK, remote: '127.0.0.1', url: '/api/products/', headers: { host: 'shop.test' } },
  { trusted: LOOPBACK, remote: '127.0.0.1', url: '/', headers: { host: 'shop.test' } },
  { trusted: LOOPBACK, remote: '127.0.0.1', url: '/api/products/caf%C3%A9?x=/y', headers: { host: 'shop.test' } },
  forwarded({ host: 'internal:8000', 'x-forwarded-proto': 'https', 'x-forwarded-host': 'public.example', 'x-forwarded-port': '443' }),
  forwarded({ host: 'internal:8000', 'x-forwarded-proto': 'https', 'x-forwarded-host': 'public.example:8443' }),
  forwarded({ host: 'internal:8000', 'x-forwarded-proto': 'https, http', 'x-forwarded-host': 'a.example, b.example' }),
  forwarded({ host: 'internal:8000', 'x-forwarded-proto': 'on' }),
  forwarded({ host: 'internal:8000', 'x-forwarded-proto': 'ssl' }),
  forwarded({ host: 'internal:8000', 'x-forwarded-proto': '1' }),
  forwarded({ host: 'internal:8000', 'x-forwarded-proto': 'HTTP' }),
  forwarded({ host: 'internal', 'x-forwarded-port': '8080' }),
  forwarded({ host: 'internal', 'x-forwarded-proto': 'https', 'x-forwarded-port': '80' }),
  forwarded({ host: 'internal:8000', 'x-forwarded-proto': 'https', 'x-forwarded-host': 'public.example' }, '10.1.2.3'),
  forwarded({ host: 'internal:8000', 'x-forwarded-proto': 'https', 'x-forwarded-host': 'public.example' }, '10.1.2.3', '*'),
  forwarded({ host: 'internal:8000', 'x-forwarded-proto': 'https', 'x-forwarded-host': 'public.example' }, '10.0.0.2', '10.0.0.1, 10.0.0.2'),
  forwarded({ host: 'internal:8000', 'x-forwarded-proto': 'https', 'x-forwarded-host': 'public.example' }, '::1'),
];

describe("Laravel's $request->url() behind the monolith's TrustProxies", () => {
  let app: FastifyInstance;

  beforeAll(async () => {
    app = Fastify();
    app.get('/*', (request) => new LaravelRequestUrl(String(request.headers['x-case-trusted'])).url(request));
    await app.ready();
  });

  afterAll(() => app.close());

  const ours = async ({ trusted, remote, url, headers }: UrlCase) =>
    (await app.inject({ method: 'GET', url, remoteAddress: remote, headers: { ...headers, 'x-case-trusted': trusted } })).body;

  it('is what Illuminate\\Http\\Request::url() says after App\\Http\\Middleware\\TrustProxies', async () => {
    const php = runPhp<string[]>(
      `return array_map(function (array $case) {
          // TrustProxies reads TRUSTED_PROXIES with env(), which looks at $_SERVER first.
          $_SERVER['TRUSTED_PROXIES'] = $case['trusted'];
          $server = ['REMOTE_ADDR' => $case['remote'], 'REQUEST_URI' => $case['url'], 'SCRIPT_NAME' => '/index.php', 'SCRIPT_FILENAME' => '/srv/public/index.php'];
          foreach ($case['headers'] as $name => $value) $server['HTTP_' . strtoupper(str_replace('-', '_', $name))] = $value;
          $request = new Illuminate\\Http\\Request([], [], [], [], [], $server);
          return (new App\\Http\\Middleware\\TrustProxies())->handle($request, fn ($request) => $request->url());
      }, $input);`,
      CASES,
      { laravel: true },
    );
    const answers: string[] = [];
    for (const urlCase of CASES) answers.push(await ours(urlCase));
    for (let index = 0; index < CASES.length; index++) expect({ case: CASES[index], url: answers[index] }).toEqual({ case: CASES[index], url: php[index] });
  });

  it('trusts an IPv4 proxy that reaches a dual-stack socket as ::ffff:a.b.c.d', async () => {
    const headers = { host: 'internal:8000', 'x-forwarded-proto': 'https', 'x-forwarded-host': 'public.example' };
    expect(await ours({ trusted: LOOPBACK, remote: '::ffff:127.0.0.1', url: '/api/products', headers })).toBe('https://public.example/api/products');
    expect(await ours({ trusted: LOOPBACK, remote: '::ffff:10.1.2.3', url: '/api/products', headers })).toBe('http://internal:8000/api/products');
  });
});

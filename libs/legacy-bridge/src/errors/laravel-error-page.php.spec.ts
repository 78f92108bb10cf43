import { fileURLToPath } from 'node:url';
import { runPhp } from '../__fixtures__/php-cli.js';
import { laravelRedirectBody, laravelUrlTo } from '../http/laravel-redirect.js';
import { laravelErrorPage } from './laravel-error-page.js';

const LEGACY_APP = fileURLToPath(new URL('../../../../apps/legacy/bootstrap/app.php', import.meta.url));

const PAGES: Array<[status: number, message: string]> = [
  [403, 'Admins only.'],
  [403, ''],
  [403, `<b>"Tom" & 'Jerry'</b>`],
  [401, ''],
  [404, ''],
  [419, ''],
  [429, ''],
  [500, ''],
  [503, ''],
];

const URLS = ['http://shop.test/login', "http://shop.test/a?b=<c>&d='e'", '/', 'reports/sales.csv?from=x', '//cdn.example/x', 'ftp://files.example/x'];

describe("Laravel's HTML error pages and redirects", () => {
  it("render as the framework's views through the monolith's exception handler (APP_DEBUG off)", () => {
    const php = runPhp<string[]>(
      `$_SERVER['APP_DEBUG'] = 'false';
       $app = require ${JSON.stringify(LEGACY_APP)};
       $app->make(Illuminate\\Contracts\\Console\\Kernel::class)->bootstrap();
       $request = Illuminate\\Http\\Request::create('http://shop.test/reports/sales.csv');
       $app->instance('request', $request);
       $handler = $app->make(Illuminate\\Contracts\\Debug\\ExceptionHandler::class);
       return array_map(fn (array $case) => $handler->render($request, new Symfony\\Component\\HttpKernel\\Exception\\HttpException($case[0], $case[1]))->getContent(), $input);`,
      PAGES,
      { laravel: true },
    );
    expect(PAGES.map(([status, message]) => laravelErrorPage(status, message))).toEqual(php);
  });

  it("answer redirect() with Symfony's RedirectResponse body and UrlGenerator::to's URL", () => {
    const php = runPhp<Array<[string, string]>>(
      `$request = Illuminate\\Http\\Request::create('http://shop.test/reports/sales.csv');
       $urls = new Illuminate\\Routing\\UrlGenerator(new Illuminate\\Routing\\RouteCollection(), $request);
       return array_map(fn (string $url) => [$urls->to($url), (new Illuminate\\Http\\RedirectResponse($urls->to($url)))->getContent()], $input);`,
      URLS,
      { laravel: true },
    );
    expect(URLS.map((url) => [laravelUrlTo('http://shop.test', url), laravelRedirectBody(laravelUrlTo('http://shop.test', url))])).toEqual(php);
  });
});

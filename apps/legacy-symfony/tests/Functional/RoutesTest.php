<?php

namespace App\Tests\Functional;

use App\Tests\Support\Console;
use Symfony\Bundle\FrameworkBundle\Test\WebTestCase;

/**
 * The route definitions as Symfony's router applies them: requirements turn non-matching URLs into
 * 404s, optional parameters take their defaults, host and condition restrict matching. Offramp's
 * route importer must reproduce exactly this from `debug:router --format=json`.
 */
final class RoutesTest extends WebTestCase
{
    /** @return iterable<array{string,int,array<string,string>}> */
    public static function urls(): iterable
    {
        yield ['/en/products', 200, []];
        yield ['/fr/products', 200, []];
        yield ['/en/products.json', 200, []];
        yield ['/en/products.html', 200, []];
        yield ['/de/products', 404, []];            // _locale: en|fr
        yield ['/en/products.xml', 404, []];        // _format: json|html
        yield ['/en/products/3', 200, []];
        yield ['/en/products/3.json', 200, []];
        yield ['/en/products/abc', 404, []];        // {id<\d+>}
        yield ['/en/products/3.pdf', 404, []];
        yield ['/en/p/rapid-lamp', 301, []];
        yield ['/en/p/Rapid_Lamp', 404, []];        // slug pattern
        yield ['/en/p/rapid--lamp', 404, []];
        yield ['/catalog', 301, []];                // page defaults to 1
        yield ['/catalog/2', 301, []];
        yield ['/catalog/two', 404, []];
        yield ['/api/products', 404, []];           // condition: Accept must name JSON
        yield ['/api/products', 200, ['HTTP_ACCEPT' => 'application/json']];
        yield ['/partner/stock/SKU-00003', 404, []]; // host: partners.{domain}
        yield ['/partner/stock/SKU-00003', 200, ['HTTP_HOST' => 'partners.example.test']];
        yield ['/partner/stock/sku-00003', 404, ['HTTP_HOST' => 'partners.example.test']];
        yield ['/admin/products', 302, []];         // {page<\d+>?1}; guests are sent to the login
        yield ['/admin/products/2', 302, []];
        yield ['/admin/products/x', 404, []];
        yield ['/', 302, []];
    }

    /** @dataProvider urls */
    public function testTheRouterDecides(string $url, int $status, array $server): void
    {
        $client = static::createClient();
        $client->request('GET', $url, [], [], $server);
        self::assertSame($status, $client->getResponse()->getStatusCode(), $url.' '.json_encode($server));
    }

    public function testOptionalParametersTakeTheirDefaults(): void
    {
        $client = static::createClient();
        $client->request('GET', '/catalog');
        self::assertSame('/en/products?page=1', parse_url((string) $client->getResponse()->headers->get('Location'), PHP_URL_PATH).'?'.parse_url((string) $client->getResponse()->headers->get('Location'), PHP_URL_QUERY));
        $client->request('GET', '/');
        self::assertStringEndsWith('/en/products', (string) $client->getResponse()->headers->get('Location'));
    }

    public function testHeadIsAnsweredOnGetRoutes(): void
    {
        $client = static::createClient();
        $client->request('HEAD', '/en/products/3.json');
        self::assertSame(200, $client->getResponse()->getStatusCode());
        $client->request('POST', '/en/products/3.json');
        self::assertSame(405, $client->getResponse()->getStatusCode());
    }

    /** The export the importer reads: every route with its requirements, defaults, host and condition. */
    public function testDebugRouterExportsTheDefinitions(): void
    {
        $routes = json_decode(Console::mustRun(['debug:router', '--format=json']), true, 512, JSON_THROW_ON_ERROR);
        self::assertEquals(['_locale' => 'en|fr', '_format' => 'json|html', 'id' => '\d+'], $routes['catalog_show']['requirements']);
        self::assertSame('/{_locale}/products/{id}.{_format}', $routes['catalog_show']['path']);
        self::assertSame('html', $routes['catalog_show']['defaults']['_format']);
        self::assertSame(1, $routes['catalog_legacy_pages']['defaults']['page']);
        self::assertSame('1', $routes['admin_products']['defaults']['page']);
        self::assertSame(['page' => '\d+'], $routes['admin_products']['requirements']);
        self::assertSame('partners.{domain}', $routes['partner_stock']['host']);
        self::assertSame("request.headers.get('Accept') matches '#application/json#'", $routes['api_products']['condition']);
        self::assertSame('POST|PATCH', $routes['admin_product_update']['method']);
    }
}

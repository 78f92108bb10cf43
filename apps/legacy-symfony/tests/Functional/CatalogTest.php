<?php

namespace App\Tests\Functional;

use Symfony\Bundle\FrameworkBundle\KernelBrowser;
use Symfony\Bundle\FrameworkBundle\Test\WebTestCase;

/** The catalog on the seeded data (60 products, seed 42): list, search, pagination, detail; JSON and HTML. */
final class CatalogTest extends WebTestCase
{
    /** @return array<string,mixed> */
    private static function json(KernelBrowser $client, string $url): array
    {
        $client->request('GET', $url);
        self::assertSame(200, $client->getResponse()->getStatusCode(), $url);
        self::assertSame('application/json', $client->getResponse()->headers->get('Content-Type'));

        return json_decode((string) $client->getResponse()->getContent(), true, 512, JSON_THROW_ON_ERROR);
    }

    public function testPagesWalkTheWholeCatalogInIdOrder(): void
    {
        $client = static::createClient();
        $first = self::json($client, '/en/products.json?per_page=25');
        self::assertSame([1, 25, 60, 3], [$first['page'], $first['per_page'], $first['total'], $first['last_page']]);
        $ids = array_column($first['data'], 'id');
        foreach ([2, 3] as $page) {
            $ids = array_merge($ids, array_column(self::json($client, "/en/products.json?per_page=25&page={$page}")['data'], 'id'));
        }
        self::assertSame(range(1, 60), $ids);
        self::assertSame([], self::json($client, '/en/products.json?per_page=25&page=4')['data']);
        self::assertSame(15, self::json($client, '/en/products.json')['per_page']);
        self::assertSame(100, self::json($client, '/en/products.json?per_page=500')['per_page']);
    }

    public function testSearchIsACaseInsensitiveSubstringOfNameOrSku(): void
    {
        $client = static::createClient();
        $all = self::json($client, '/en/products.json?per_page=100')['data'];
        $word = strtolower(explode(' ', $all[0]['name'])[1]);
        $expected = array_values(array_filter($all, static fn ($p) => str_contains(strtolower($p['name']), $word) || str_contains(strtolower($p['sku']), $word)));
        self::assertNotEmpty($expected);
        $found = self::json($client, '/en/products.json?per_page=100&q='.strtoupper($word));
        self::assertSame(array_column($expected, 'id'), array_column($found['data'], 'id'));
        self::assertSame(count($expected), $found['total']);
        self::assertSame([3], array_column(self::json($client, '/en/products.json?q=sku-00003')['data'], 'id'));
        // % and _ are literal, not wildcards.
        self::assertSame(0, self::json($client, '/en/products.json?q=%25')['total']);
        self::assertSame(0, self::json($client, '/en/products.json?q=SKU_0')['total']);
    }

    public function testTheHtmlListShowsTheSamePage(): void
    {
        $client = static::createClient();
        $crawler = $client->request('GET', '/fr/products?page=2&q=sku');
        self::assertSame(200, $client->getResponse()->getStatusCode());
        self::assertStringStartsWith('text/html', (string) $client->getResponse()->headers->get('Content-Type'));
        self::assertSame('Produits', $crawler->filter('h1')->text());
        self::assertSame('60', $crawler->filter('#total')->attr('data-total'));
        self::assertSame(array_map(static fn ($id) => "product-{$id}", range(16, 30)), $crawler->filter('#products li')->extract(['id']));
        self::assertStringContainsString('page=3', (string) $crawler->filter('a[rel=next]')->attr('href'));
    }

    public function testDetailInJsonAndHtml(): void
    {
        $client = static::createClient();
        $product = self::json($client, '/en/products/7.json');
        self::assertSame(['id', 'sku', 'name', 'slug', 'description', 'price_cents', 'currency', 'stock', 'category'], array_keys($product));
        self::assertSame([7, 'SKU-00007', 'USD'], [$product['id'], $product['sku'], $product['currency']]);
        self::assertSame(['id', 'name', 'slug'], array_keys($product['category']));

        $crawler = $client->request('GET', '/en/products/7');
        self::assertSame($product['name'], $crawler->filter('#product-name')->text());
        self::assertSame((string) $product['price_cents'], $crawler->filter('#price')->attr('data-cents'));

        $client->request('GET', '/en/p/'.$product['slug']);
        self::assertSame(301, $client->getResponse()->getStatusCode());
        self::assertMatchesRegularExpression('#/en/products/\d+$#', (string) $client->getResponse()->headers->get('Location'));
    }

    public function testAnUnknownProductIs404ProblemJson(): void
    {
        $client = static::createClient();
        $client->request('GET', '/en/products/99999.json');
        self::assertSame(404, $client->getResponse()->getStatusCode());
        self::assertSame('application/problem+json', $client->getResponse()->headers->get('Content-Type'));
        self::assertSame(404, json_decode((string) $client->getResponse()->getContent(), true)['status']);
        $client->request('GET', '/en/products/99999');
        self::assertSame(404, $client->getResponse()->getStatusCode());
    }

    /** @return iterable<array{string,string}> */
    public static function badQueries(): iterable
    {
        yield ['page=0', 'page'];
        yield ['page=two', 'page'];
        yield ['page[]=1', 'page'];
        yield ['per_page=-1', 'per_page'];
    }

    /** @dataProvider badQueries */
    public function testABadQueryParameterIs422NamingIt(string $query, string $field): void
    {
        $client = static::createClient();
        $client->request('GET', '/en/products.json?'.$query);
        self::assertSame(422, $client->getResponse()->getStatusCode());
        self::assertSame('application/problem+json', $client->getResponse()->headers->get('Content-Type'));
        $problem = json_decode((string) $client->getResponse()->getContent(), true);
        self::assertSame($field, $problem['field']);
        self::assertStringContainsString($field, $problem['detail']);
    }
}

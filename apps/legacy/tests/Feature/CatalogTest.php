<?php

namespace Tests\Feature;

use App\Models\Category;
use Tests\TestCase;

class CatalogTest extends TestCase
{
    public function test_product_list_is_laravels_paginator_json(): void
    {
        $res = $this->getJson('/api/products?per_page=5');
        $res->assertOk();
        $this->assertSame(
            ['current_page', 'data', 'first_page_url', 'from', 'last_page', 'last_page_url', 'links', 'next_page_url', 'path', 'per_page', 'prev_page_url', 'to', 'total'],
            array_keys($res->json())
        );
        $this->assertSame(5, $res->json('per_page'));
        $this->assertCount(5, $res->json('data'));
        $this->assertSame('&laquo; Previous', $res->json('links.0.label'));
        $first = $res->json('data.0');
        $this->assertSame(['id', 'category_id', 'sku', 'name', 'slug', 'description', 'price_cents', 'currency', 'stock', 'popularity', 'created_at', 'updated_at', 'category'], array_keys($first));
        $this->assertIsInt($first['price_cents']);
        $this->assertSame(['id', 'name', 'slug'], array_keys($first['category']));
        // default order: id ascending
        $ids = array_column($res->json('data'), 'id');
        $sorted = $ids;
        sort($sorted);
        $this->assertSame($sorted, $ids);
        $this->assertStringContainsString('per_page=5', $res->json('next_page_url'));
    }

    public function test_seeded_products_are_deterministic(): void
    {
        // seed 42, first product: the same on every database
        $res = $this->getJson('/api/products/1')->assertOk();
        $this->assertSame('SKU-000001', $res->json('sku'));
        $this->assertSame('Fantastic Metal Gloves', $res->json('name'));
        $this->assertSame(21949, $res->json('price_cents'));
        $this->assertSame('2024-01-01T00:00:37.000000Z', $res->json('created_at'));
    }

    public function test_per_page_is_capped_and_pages_walk_the_whole_list(): void
    {
        $this->assertSame(100, $this->getJson('/api/products?per_page=5000')->json('per_page'));
        $total = $this->getJson('/api/products')->json('total');
        $seen = [];
        for ($page = 1; $page <= (int) ceil($total / 25); $page++) {
            foreach ($this->getJson("/api/products?per_page=25&sort=price&page={$page}")->json('data') as $p) {
                $seen[] = $p['id'];
            }
        }
        $this->assertCount($total, $seen);
        $this->assertCount($total, array_unique($seen));
    }

    /** @dataProvider sorts */
    public function test_sorts_are_stable_with_id_tie_breaker(string $sort, string $field, int $dir): void
    {
        $this->makeProduct(['price_cents' => 777, 'name' => 'Tie Breaker A', 'popularity' => 3]);
        $this->makeProduct(['price_cents' => 777, 'name' => 'Tie Breaker A', 'popularity' => 3]);
        $data = $this->getJson("/api/products?sort={$sort}&per_page=100")->assertOk()->json('data');
        for ($i = 1; $i < count($data); $i++) {
            $a = $data[$i - 1];
            $b = $data[$i];
            $cmp = $field === 'name' ? strcasecmp($a[$field], $b[$field]) * $dir : ($a[$field] <=> $b[$field]) * $dir;
            $this->assertLessThanOrEqual(0, $cmp, "{$sort}: {$a['id']} before {$b['id']}");
            if ($a[$field] === $b[$field]) {
                $this->assertLessThan($b['id'], $a['id'], "{$sort}: ties by id");
            }
        }
    }

    public static function sorts(): array
    {
        return [
            'price' => ['price', 'price_cents', 1],
            '-price' => ['-price', 'price_cents', -1],
            'popularity' => ['popularity', 'popularity', -1],
            'name' => ['name', 'name', 1],
            '-name' => ['-name', 'name', -1],
        ];
    }

    public function test_search_is_case_insensitive_and_escapes_wildcards(): void
    {
        $p = $this->makeProduct(['name' => 'Quixotic Zebra 100% Lamp']);
        $ids = array_column($this->getJson('/api/products?q=QUIXOTIC%20zebra')->assertOk()->json('data'), 'id');
        $this->assertSame([$p->id], $ids);
        $this->assertSame([$p->id], array_column($this->getJson('/api/products?q='.urlencode('100%'))->json('data'), 'id'));
        $this->assertSame(0, $this->getJson('/api/products?q='.urlencode('zebra_'))->json('total'));
        $this->assertSame([$p->id], array_column($this->getJson('/api/products?q='.urlencode($p->sku))->json('data'), 'id'));
    }

    public function test_category_filter(): void
    {
        $cat = Category::where('slug', 'books')->firstOrFail();
        $res = $this->getJson('/api/products?category=books&per_page=100')->assertOk();
        $this->assertGreaterThan(0, $res->json('total'));
        foreach ($res->json('data') as $p) {
            $this->assertSame($cat->id, $p['category_id']);
        }
        $this->assertSame(0, $this->getJson('/api/products?category=no-such-category')->json('total'));
    }

    public function test_invalid_parameters_get_laravels_422(): void
    {
        $res = $this->getJson('/api/products?sort=price;drop')->assertStatus(422);
        $this->assertSame('The selected sort is invalid.', $res->json('errors.sort.0'));
        $this->assertArrayHasKey('message', $res->json());
        $this->get('/api/products?page=0')->assertStatus(422)->assertJsonValidationErrors('page');
    }

    public function test_product_detail_and_404(): void
    {
        $p = $this->makeProduct(['name' => 'Detail Lamp']);
        $this->getJson("/api/products/{$p->id}")->assertOk()->assertJson(['id' => $p->id, 'name' => 'Detail Lamp', 'category' => ['id' => 1]]);
        // /api/* answers JSON even without an Accept header
        $res = $this->get('/api/products/99999999')->assertNotFound();
        $this->assertStringContainsString('No query results', $res->json('message'));
    }

    public function test_html_pages(): void
    {
        $p = $this->makeProduct(['name' => 'Html Visible <Lamp>']);
        $this->get('/products?q=visible')->assertOk()->assertSee('Html Visible &lt;Lamp&gt;', false)->assertSee('1 products');
        $this->get("/products/{$p->id}")->assertOk()->assertSee('Html Visible &lt;Lamp&gt;', false);
        $this->get('/products/99999999')->assertNotFound();
        $this->get('/')->assertRedirect('/products');
    }

    public function test_paginator_urls_follow_the_gateways_forwarded_host(): void
    {
        $res = $this->getJson('/api/products?per_page=2', ['X-Forwarded-Host' => 'shop.example.com', 'X-Forwarded-Proto' => 'https', 'X-Forwarded-Port' => '443']);
        $this->assertSame('https://shop.example.com/api/products', $res->json('path'));
        $this->assertStringStartsWith('https://shop.example.com/api/products?per_page=2&page=2', $res->json('next_page_url'));
    }
}

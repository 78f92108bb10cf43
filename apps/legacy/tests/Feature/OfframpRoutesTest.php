<?php

namespace Tests\Feature;

use App\Console\Commands\OfframpRoutes;
use Illuminate\Support\Facades\Artisan;
use Illuminate\Support\Facades\Route;
use Tests\TestCase;

class OfframpRoutesTest extends TestCase
{
    private function exported(): array
    {
        $this->assertSame(0, Artisan::call('offramp:routes'));
        $json = json_decode(Artisan::output(), true, 512, JSON_THROW_ON_ERROR);
        $this->assertSame(OfframpRoutes::FORMAT, $json['format']);

        return collect($json['routes'])->keyBy(fn ($route) => implode('|', $route['methods']).' '.($route['domain'] ?? '').'/'.ltrim($route['uri'], '/'))->all();
    }

    public function test_exports_the_apps_routes_with_the_global_id_pattern(): void
    {
        $routes = $this->exported();
        $this->assertCount(count(Route::getRoutes()->getRoutes()), $routes);
        $show = $routes['GET|HEAD /api/products/{id}'];
        $this->assertSame('api.products.show', $show['name']);
        $this->assertSame('App\Http\Controllers\ProductController@show', $show['action']);
        // Route::pattern('id', '[0-9]+') of RouteServiceProvider: what route:list --json leaves out.
        $this->assertSame('[0-9]+', $show['wheres']['id']);
        $this->assertSame(['web', 'json'], $show['middleware']);
        $this->assertNull($show['domain']);
        $this->assertSame([], $show['optional']);
        $this->assertFalse($show['fallback']);
        $this->assertSame(['webhook'], $routes['POST /webhooks/payments']['middleware']);
    }

    public function test_exports_constraints_optional_parameters_domains_defaults_and_the_fallback(): void
    {
        Route::get('/blog/{page?}', fn ($page = 1) => $page)->whereNumber('page')->defaults('page', 1)->name('blog');
        Route::get('/docs/{path}', fn ($path) => $path)->where('path', '.*');
        Route::domain('{account}.shop.test')->group(function () {
            Route::post('/hooks/{slug}', fn () => 'ok')->whereAlpha('slug')->where('account', '[a-z]+');
        });
        Route::fallback(fn () => 'fallback');
        // Routes added after boot are indexed by name only once the lookups are refreshed.
        Route::getRoutes()->refreshNameLookups();

        $routes = $this->exported();
        $blog = $routes['GET|HEAD /blog/{page?}'];
        $this->assertSame(['id' => '[0-9]+', 'page' => '[0-9]+'], $blog['wheres']);
        $this->assertSame(['page' => 1], $blog['defaults']);
        $this->assertSame(['page'], $blog['optional']);
        $this->assertSame('.*', $routes['GET|HEAD /docs/{path}']['wheres']['path']);
        $hook = $routes['POST {account}.shop.test/hooks/{slug}'];
        $this->assertSame('[a-zA-Z]+', $hook['wheres']['slug']);
        $this->assertSame('[a-z]+', $hook['wheres']['account']);
        $fallback = $routes['GET|HEAD /{fallbackPlaceholder}'];
        $this->assertTrue($fallback['fallback']);
        $this->assertSame('.*', $fallback['wheres']['fallbackPlaceholder']);
    }
}

<?php

namespace Tests;

use App\Models\Order;
use App\Models\Product;
use App\Models\User;
use App\Shop\PaymentSignature;
use Illuminate\Contracts\Console\Kernel;
use Illuminate\Foundation\Testing\TestCase as BaseTestCase;
use Illuminate\Support\Facades\DB;
use Illuminate\Support\Str;

abstract class TestCase extends BaseTestCase
{
    public const SECRET = 'whsec_test_secret';

    public function createApplication()
    {
        $app = require __DIR__.'/../bootstrap/app.php';
        $app->make(Kernel::class)->bootstrap();

        return $app;
    }

    /** A fresh product of our own (tests do not depend on each other's rows). */
    protected function makeProduct(array $attrs = []): Product
    {
        $n = Str::lower(Str::random(10));

        return Product::create(array_merge([
            'category_id' => 1,
            'sku' => 'T-'.$n,
            'name' => 'Test Product '.$n,
            'slug' => 'test-product-'.$n,
            'description' => 'A product made by a test.',
            'price_cents' => 1250,
            'currency' => 'USD',
            'stock' => 10,
        ], $attrs));
    }

    protected function makeUser(array $attrs = []): User
    {
        return User::create(array_merge([
            'name' => 'Test User',
            'email' => 'u-'.Str::lower(Str::random(12)).'@example.test',
            'password' => bcrypt('secret-pass'),
        ], $attrs));
    }

    protected function customer(): User
    {
        return User::where('email', 'customer@example.test')->firstOrFail();
    }

    protected function admin(): User
    {
        return User::where('email', 'admin@example.test')->firstOrFail();
    }

    protected function placeOrder(User $user, array $items): Order
    {
        $res = $this->actingAs($user)->postJson('/api/orders', ['items' => $items]);
        $res->assertStatus(201);

        return Order::findOrFail($res->json('id'));
    }

    protected function signedWebhook(array $event, ?int $timestamp = null, string $secret = self::SECRET)
    {
        $body = json_encode($event);
        $header = PaymentSignature::sign($secret, $body, $timestamp ?? time());

        return $this->call('POST', '/webhooks/payments', [], [], [], [
            'CONTENT_TYPE' => 'application/json',
            'HTTP_PAYMENT_SIGNATURE' => $header,
        ], $body);
    }

    protected function outboxRows(string $aggregateType, string|int $aggregateId): array
    {
        return DB::table('offramp_outbox')->where('aggregate_type', $aggregateType)
            ->where('aggregate_id', (string) $aggregateId)->orderBy('id')->get()->all();
    }

    /** Row counts of every table a request could change. */
    protected function snapshot(): array
    {
        $counts = [];
        foreach (['orders', 'order_items', 'payment_events', 'offramp_outbox', 'jobs'] as $t) {
            $counts[$t] = DB::table($t)->count();
        }
        $counts['paid'] = DB::table('orders')->where('status', 'paid')->count();
        $counts['stock'] = (int) DB::table('products')->sum('stock');

        return $counts;
    }
}

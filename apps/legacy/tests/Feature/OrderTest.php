<?php

namespace Tests\Feature;

use App\Jobs\SendOrderConfirmation;
use App\Models\Order;
use App\Offramp\Outbox;
use Illuminate\Support\Facades\DB;
use Tests\TestCase;

class OrderTest extends TestCase
{
    public function test_guest_cannot_order(): void
    {
        $p = $this->makeProduct();
        $this->postJson('/api/orders', ['items' => [['product_id' => $p->id, 'quantity' => 1]]])->assertStatus(401);
        // even without Accept: application/json
        $this->post('/api/orders', ['items' => [['product_id' => $p->id, 'quantity' => 1]]])->assertStatus(401);
    }

    public function test_validation_errors_have_laravels_shape(): void
    {
        $before = $this->snapshot();
        $res = $this->actingAs($this->customer())->postJson('/api/orders', ['items' => [['product_id' => 99999999, 'quantity' => 0], ['quantity' => 'x']]]);
        $res->assertStatus(422);
        $this->assertSame(['message', 'errors'], array_keys($res->json()));
        $this->assertSame(['The selected items.0.product_id is invalid.'], $res->json('errors')['items.0.product_id']);
        $this->assertSame(['The items.0.quantity must be at least 1.'], $res->json('errors')['items.0.quantity']);
        $this->assertArrayHasKey('items.1.product_id', $res->json('errors'));
        $this->assertArrayHasKey('items.1.quantity', $res->json('errors'));

        $this->actingAs($this->customer())->postJson('/api/orders', [])->assertStatus(422)->assertJsonPath('errors.items.0', 'The items field is required.');
        $this->assertSame($before, $this->snapshot());
    }

    public function test_place_order_in_cents_with_stock_outbox_and_job(): void
    {
        $a = $this->makeProduct(['price_cents' => 1999, 'stock' => 5]);
        $b = $this->makeProduct(['price_cents' => 250, 'stock' => 3]);
        $user = $this->customer();
        $outboxBefore = DB::table('offramp_outbox')->max('id') ?? 0;

        $res = $this->actingAs($user)->postJson('/api/orders', ['items' => [
            ['product_id' => $a->id, 'quantity' => 2],
            ['product_id' => $b->id, 'quantity' => 3],
        ]]);
        $res->assertStatus(201)->assertJsonPath('status', 'pending')->assertJsonPath('total_cents', 2 * 1999 + 3 * 250)
            ->assertJsonPath('currency', 'USD')->assertJsonPath('user_id', $user->id)->assertJsonCount(2, 'items');
        $this->assertSame(['product_id' => $a->id, 'quantity' => 2, 'unit_price_cents' => 1999], array_intersect_key($res->json('items.0'), array_flip(['product_id', 'quantity', 'unit_price_cents'])));
        $orderId = $res->json('id');
        $res->assertHeader('Location');
        $this->assertSame(
            ['id', 'user_id', 'status', 'total_cents', 'currency', 'paid_at', 'payment_reference', 'created_at', 'updated_at', 'items'],
            array_keys($res->json())
        );
        $this->assertSame($res->json(), $this->actingAs($user)->getJson("/api/orders/{$orderId}")->json(), 'POST answers what GET answers');

        $this->assertSame(3, $a->fresh()->stock);
        $this->assertSame(0, $b->fresh()->stock);

        // outbox: placed, then one stock change per product, all in this transaction
        $rows = DB::table('offramp_outbox')->where('id', '>', $outboxBefore)->orderBy('id')->get();
        $this->assertSame(
            [['order', (string) $orderId, Outbox::ORDER_PLACED], ['product', (string) $a->id, Outbox::PRODUCT_STOCK_CHANGED], ['product', (string) $b->id, Outbox::PRODUCT_STOCK_CHANGED]],
            $rows->map(fn ($r) => [$r->aggregate_type, $r->aggregate_id, $r->event_type])->all()
        );
        $placed = json_decode($rows[0]->payload, true);
        $this->assertSame($orderId, $placed['order_id']);
        $this->assertSame(4748, $placed['total_cents']);
        $this->assertSame([['product_id' => $a->id, 'quantity' => 2, 'unit_price_cents' => 1999], ['product_id' => $b->id, 'quantity' => 3, 'unit_price_cents' => 250]], $placed['items']);
        $stock = json_decode($rows[1]->payload, true);
        $this->assertSame(['product_id' => $a->id, 'stock' => 3, 'previous_stock' => 5, 'delta' => -2, 'reason' => 'order_placed', 'order_id' => $orderId], $stock);
        foreach ($rows as $row) {
            $this->assertMatchesRegularExpression('/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/', $row->event_id);
            $this->assertNull($row->published_at);
            $this->assertSame(0, (int) $row->attempts);
            $this->assertMatchesRegularExpression('/^\d{4}-\d\d-\d\d[ T]\d\d:\d\d:\d\d(\.\d{1,6})?$/', (string) $row->occurred_at);
        }

        // the confirmation job waits on the offramp queue, as Laravel's standard payload
        $job = DB::table('jobs')->orderByDesc('id')->first();
        $this->assertSame('offramp', $job->queue);
        $payload = json_decode($job->payload, true);
        $this->assertSame(SendOrderConfirmation::class, $payload['displayName']);
        $this->assertSame('Illuminate\Queue\CallQueuedHandler@call', $payload['job']);
        $command = unserialize($payload['data']['command']);
        $this->assertSame($orderId, $command->order->id);
    }

    public function test_insufficient_stock_changes_nothing(): void
    {
        $a = $this->makeProduct(['stock' => 5]);
        $b = $this->makeProduct(['stock' => 1]);
        $before = $this->snapshot();
        $res = $this->actingAs($this->customer())->postJson('/api/orders', ['items' => [
            ['product_id' => $a->id, 'quantity' => 2],
            ['product_id' => $b->id, 'quantity' => 2],
        ]]);
        $res->assertStatus(422)->assertJsonPath('errors', ['items.1.quantity' => ["Insufficient stock for product {$b->id}."]]);
        $this->assertSame(5, $a->fresh()->stock, 'stock taken for the first line was rolled back');
        $this->assertSame($before, $this->snapshot());
    }

    public function test_duplicate_lines_are_merged_for_the_stock_check(): void
    {
        $a = $this->makeProduct(['stock' => 3]);
        $this->actingAs($this->customer())->postJson('/api/orders', ['items' => [
            ['product_id' => $a->id, 'quantity' => 2],
            ['product_id' => $a->id, 'quantity' => 2],
        ]])->assertStatus(422)->assertJsonValidationErrors('items.0.quantity');
        $this->assertSame(3, $a->fresh()->stock);
    }

    public function test_a_failure_late_in_the_transaction_rolls_everything_back(): void
    {
        $usd = $this->makeProduct(['stock' => 5]);
        $eur = $this->makeProduct(['stock' => 5, 'currency' => 'EUR']);
        $before = $this->snapshot();
        $this->actingAs($this->customer())->postJson('/api/orders', ['items' => [
            ['product_id' => $usd->id, 'quantity' => 1],
            ['product_id' => $eur->id, 'quantity' => 1],
        ]])->assertStatus(422)->assertJsonValidationErrors('items');
        $this->assertSame($before, $this->snapshot());
    }

    public function test_order_is_visible_to_its_owner_only(): void
    {
        $p = $this->makeProduct();
        $order = $this->placeOrder($this->customer(), [['product_id' => $p->id, 'quantity' => 1]]);

        $this->actingAs($this->customer())->getJson("/api/orders/{$order->id}")->assertOk()
            ->assertJsonPath('id', $order->id)->assertJsonPath('items.0.product_id', $p->id);
        $this->actingAs($this->makeUser())->getJson("/api/orders/{$order->id}")->assertStatus(403);
        $this->actingAs($this->admin())->getJson("/api/orders/{$order->id}")->assertStatus(403);
        $this->actingAs($this->customer())->getJson('/api/orders/99999999')->assertStatus(404);
    }

    public function test_account_page_lists_own_orders(): void
    {
        $user = $this->makeUser();
        $p = $this->makeProduct(['name' => 'Account Page Kettle', 'price_cents' => 4321]);
        $order = $this->placeOrder($user, [['product_id' => $p->id, 'quantity' => 1]]);
        $other = $this->placeOrder($this->customer(), [['product_id' => $p->id, 'quantity' => 1]]);

        $this->actingAs($user)->get('/account/orders')->assertOk()
            ->assertSee("order-{$order->id}", false)->assertSee('Account Page Kettle')->assertSee('USD 43.21')
            ->assertSee('data-status="pending"', false)->assertDontSee("order-{$other->id}\"", false);
    }

    public function test_admin_price_and_stock_changes_go_to_the_outbox(): void
    {
        $p = $this->makeProduct(['price_cents' => 1000, 'stock' => 4]);
        $this->actingAs($this->customer())->patchJson("/api/admin/products/{$p->id}", ['price_cents' => 1])->assertStatus(403);

        $this->actingAs($this->admin())->patchJson("/api/admin/products/{$p->id}", ['price_cents' => 1200, 'stock' => 9])
            ->assertOk()->assertJsonPath('price_cents', 1200)->assertJsonPath('stock', 9);
        $rows = $this->outboxRows('product', $p->id);
        $this->assertSame([Outbox::PRODUCT_PRICE_CHANGED, Outbox::PRODUCT_STOCK_CHANGED], array_column($rows, 'event_type'));
        $this->assertSame(['product_id' => $p->id, 'price_cents' => 1200, 'previous_price_cents' => 1000, 'currency' => 'USD'], json_decode($rows[0]->payload, true));

        // no change, no event
        $this->actingAs($this->admin())->patchJson("/api/admin/products/{$p->id}", ['price_cents' => 1200])->assertOk();
        $this->assertCount(2, $this->outboxRows('product', $p->id));
        $this->actingAs($this->admin())->patchJson("/api/admin/products/{$p->id}", ['price_cents' => -1])->assertStatus(422);
    }
}

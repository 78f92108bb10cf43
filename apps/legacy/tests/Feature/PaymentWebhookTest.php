<?php

namespace Tests\Feature;

use App\Models\Order;
use App\Offramp\Outbox;
use Illuminate\Support\Facades\DB;
use Tests\TestCase;

class PaymentWebhookTest extends TestCase
{
    private function pendingOrder(int $price = 1500, int $qty = 2): Order
    {
        $p = $this->makeProduct(['price_cents' => $price]);

        return $this->placeOrder($this->customer(), [['product_id' => $p->id, 'quantity' => $qty]]);
    }

    private function event(Order $order, ?string $id = null, ?int $amount = null, string $type = 'payment.succeeded'): array
    {
        return ['id' => $id ?? 'evt_'.bin2hex(random_bytes(8)), 'type' => $type, 'data' => ['order_id' => $order->id, 'amount_cents' => $amount ?? $order->total_cents]];
    }

    public function test_signed_payment_marks_the_order_paid_once(): void
    {
        $order = $this->pendingOrder();
        $event = $this->event($order);

        $this->signedWebhook($event)->assertOk()->assertExactJson(['status' => 'processed', 'order_id' => $order->id]);
        $order->refresh();
        $this->assertSame('paid', $order->status);
        $this->assertNotNull($order->paid_at);
        $this->assertSame($event['id'], $order->payment_reference);

        $rows = $this->outboxRows('order', $order->id);
        $this->assertSame([Outbox::ORDER_PLACED, Outbox::ORDER_PAID], array_column($rows, 'event_type'));
        $paid = json_decode($rows[1]->payload, true);
        $this->assertSame(['order_id', 'user_id', 'status', 'amount_cents', 'currency', 'payment_event_id', 'paid_at'], array_keys($paid));
        $this->assertSame($order->total_cents, $paid['amount_cents']);
        $this->assertSame($event['id'], $paid['payment_event_id']);
        $this->assertSame('processed', DB::table('payment_events')->where('provider_event_id', $event['id'])->value('outcome'));

        // replay of the same event id: 200 duplicate, nothing changes
        $before = $this->snapshot();
        $this->signedWebhook($event)->assertOk()->assertExactJson(['status' => 'duplicate']);
        $this->assertSame($before, $this->snapshot());
    }

    public function test_bad_or_missing_signature_is_400_and_changes_nothing(): void
    {
        $order = $this->pendingOrder();
        $event = $this->event($order);
        $before = $this->snapshot();

        $this->signedWebhook($event, null, 'not-the-secret')->assertStatus(400)->assertJsonPath('error', 'invalid_signature')
            ->assertJsonPath('message', 'The signature does not match the payload.');
        $this->call('POST', '/webhooks/payments', [], [], [], ['CONTENT_TYPE' => 'application/json'], json_encode($event))
            ->assertStatus(400)->assertJsonPath('error', 'invalid_signature')->assertJsonPath('message', 'Missing or malformed Payment-Signature header.');
        // body changed after signing
        $body = json_encode($event);
        $header = \App\Shop\PaymentSignature::sign(self::SECRET, $body, time());
        $tampered = str_replace((string) $order->total_cents, '1', $body);
        $this->call('POST', '/webhooks/payments', [], [], [], ['CONTENT_TYPE' => 'application/json', 'HTTP_PAYMENT_SIGNATURE' => $header], $tampered)
            ->assertStatus(400)->assertJsonPath('error', 'invalid_signature');

        $this->assertSame($before, $this->snapshot());
        $this->assertSame('pending', $order->fresh()->status);
        // the event id was not burnt: the genuine delivery still works
        $this->signedWebhook($event)->assertOk()->assertJsonPath('status', 'processed');
    }

    public function test_expired_or_future_timestamp_is_400_with_its_own_error(): void
    {
        $order = $this->pendingOrder();
        $event = $this->event($order);
        $before = $this->snapshot();
        $this->signedWebhook($event, time() - 301)->assertStatus(400)->assertExactJson([
            'error' => 'timestamp_expired', 'message' => 'The signature timestamp is outside the replay window.',
        ]);
        $this->signedWebhook($event, time() + 400)->assertStatus(400)->assertJsonPath('error', 'timestamp_expired');
        $this->assertSame($before, $this->snapshot());
        $this->assertSame('pending', $order->fresh()->status);
    }

    public function test_events_that_cannot_pay_are_recorded_and_ignored(): void
    {
        $order = $this->pendingOrder();
        $before = $this->snapshot();
        $this->signedWebhook($this->event($order, null, $order->total_cents + 1))->assertOk()
            ->assertJson(['status' => 'ignored', 'reason' => 'amount_mismatch']);
        $this->signedWebhook($this->event($order, null, null, 'payment.refunded'))->assertOk()
            ->assertJson(['status' => 'ignored', 'reason' => 'unhandled_type']);
        $gone = ['id' => 'evt_'.bin2hex(random_bytes(6)), 'type' => 'payment.succeeded', 'data' => ['order_id' => 99999999, 'amount_cents' => 1]];
        $this->signedWebhook($gone)->assertOk()->assertJson(['status' => 'ignored', 'reason' => 'unknown_order']);

        $after = $this->snapshot();
        $this->assertSame($before['payment_events'] + 3, $after['payment_events']);
        $this->assertSame($before['offramp_outbox'], $after['offramp_outbox']);
        $this->assertSame('pending', $order->fresh()->status);

        // a second, different payment for an order already paid
        $this->signedWebhook($this->event($order))->assertOk()->assertJsonPath('status', 'processed');
        $this->signedWebhook($this->event($order))->assertOk()->assertJson(['status' => 'ignored', 'reason' => 'already_paid']);
        $this->assertCount(1, array_filter($this->outboxRows('order', $order->id), fn ($r) => $r->event_type === Outbox::ORDER_PAID));
    }

    public function test_signed_garbage_is_422(): void
    {
        $before = $this->snapshot();
        $this->signedWebhook(['type' => 'payment.succeeded', 'data' => []])->assertStatus(422)->assertJsonValidationErrors(['id', 'data']);
        $this->assertSame($before, $this->snapshot());
    }

    public function test_unique_constraint_backs_idempotency(): void
    {
        DB::table('payment_events')->insert(['provider_event_id' => 'evt_unique_check', 'type' => 't', 'outcome' => 'x', 'payload' => '{}', 'received_at' => now()]);
        $this->expectException(\Illuminate\Database\QueryException::class);
        DB::table('payment_events')->insert(['provider_event_id' => 'evt_unique_check', 'type' => 't', 'outcome' => 'x', 'payload' => '{}', 'received_at' => now()]);
    }
}

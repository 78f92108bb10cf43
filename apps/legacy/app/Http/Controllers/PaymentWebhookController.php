<?php

namespace App\Http\Controllers;

use App\Models\Order;
use App\Offramp\Outbox;
use App\Shop\PaymentSignature;
use Illuminate\Database\QueryException;
use Illuminate\Http\Request;
use Illuminate\Support\Facades\DB;
use Illuminate\Support\Facades\Log;
use Illuminate\Support\Facades\Validator;

/**
 * POST /webhooks/payments (the payment provider)
 *
 *   400 {"error":"invalid_signature"}   missing, malformed or wrong Payment-Signature
 *   400 {"error":"timestamp_expired"}   signed more than PAYMENT_WEBHOOK_TOLERANCE (300) s ago/ahead
 *   422 Laravel's validation shape       signed but the body is not the documented event
 *   200 {"status":"processed"}          payment.succeeded: the order is now paid
 *   200 {"status":"ignored","reason":…} recorded, nothing to do (other type, unknown order,
 *                                       amount mismatch, order already paid)
 *   200 {"status":"duplicate"}          this event id was handled before: nothing changes
 */
class PaymentWebhookController extends Controller
{
    public function __invoke(Request $request)
    {
        $body = $request->getContent();
        $secret = (string) config('services.payments.webhook_secret');

        $check = PaymentSignature::verify(
            $request->header('Payment-Signature'),
            $body,
            $secret,
            (int) config('services.payments.webhook_tolerance', 300)
        );

        if ($check === PaymentSignature::EXPIRED) {
            return response()->json(['error' => 'timestamp_expired', 'message' => 'The signature timestamp is outside the replay window.'], 400);
        }
        if ($check !== PaymentSignature::OK) {
            return response()->json(['error' => 'invalid_signature', 'message' => $check === PaymentSignature::MISSING
                ? 'Missing or malformed Payment-Signature header.'
                : 'The signature does not match the payload.'], 400);
        }

        $event = json_decode($body, true);
        Validator::make(is_array($event) ? $event : [], [
            'id' => ['required', 'string', 'max:191'],
            'type' => ['required', 'string', 'max:64'],
            'data' => ['required', 'array'],
            'data.order_id' => ['required_if:type,payment.succeeded', 'integer'],
            'data.amount_cents' => ['required_if:type,payment.succeeded', 'integer'],
        ])->validate();

        if (DB::table('payment_events')->where('provider_event_id', $event['id'])->exists()) {
            return response()->json(['status' => 'duplicate']);
        }

        try {
            $result = DB::transaction(fn () => $this->handle($event, $body));
        } catch (QueryException $e) {
            // A concurrent delivery of the same event won the insert: unique constraint violation.
            if (DB::table('payment_events')->where('provider_event_id', $event['id'])->exists()) {
                return response()->json(['status' => 'duplicate']);
            }
            throw $e;
        }

        Log::info('payment webhook', ['event_id' => $event['id'], 'result' => $result]);

        return response()->json($result);
    }

    private function handle(array $event, string $body): array
    {
        $orderId = isset($event['data']['order_id']) ? (int) $event['data']['order_id'] : null;

        // Claim the event id first: the unique key serialises concurrent deliveries.
        $paymentEventId = DB::table('payment_events')->insertGetId([
            'provider_event_id' => $event['id'],
            'type' => $event['type'],
            'order_id' => $orderId,
            'outcome' => 'received',
            'payload' => $body,
            'received_at' => now(),
        ]);

        $outcome = $this->apply($event, $orderId);

        DB::table('payment_events')->where('id', $paymentEventId)->update(['outcome' => $outcome['status'] === 'processed' ? 'processed' : 'ignored:'.$outcome['reason']]);

        return $outcome;
    }

    private function apply(array $event, ?int $orderId): array
    {
        if ($event['type'] !== 'payment.succeeded') {
            return ['status' => 'ignored', 'reason' => 'unhandled_type'];
        }

        $order = Order::lockForUpdate()->find($orderId);
        if (! $order) {
            return ['status' => 'ignored', 'reason' => 'unknown_order'];
        }
        if ($order->status === Order::PAID) {
            return ['status' => 'ignored', 'reason' => 'already_paid', 'order_id' => $order->id];
        }
        if ((int) $event['data']['amount_cents'] !== (int) $order->total_cents) {
            return ['status' => 'ignored', 'reason' => 'amount_mismatch', 'order_id' => $order->id];
        }

        $paidAt = now();
        $updated = Order::where('id', $order->id)->where('status', Order::PENDING)
            ->update(['status' => Order::PAID, 'paid_at' => $paidAt, 'payment_reference' => $event['id'], 'updated_at' => $paidAt]);
        if ($updated !== 1) {
            return ['status' => 'ignored', 'reason' => 'already_paid', 'order_id' => $order->id];
        }

        Outbox::record('order', $order->id, Outbox::ORDER_PAID, [
            'order_id' => $order->id,
            'user_id' => (int) $order->user_id,
            'status' => Order::PAID,
            'amount_cents' => (int) $order->total_cents,
            'currency' => $order->currency,
            'payment_event_id' => $event['id'],
            'paid_at' => $paidAt->copy()->utc()->toIso8601ZuluString('microsecond'),
        ]);

        return ['status' => 'processed', 'order_id' => $order->id];
    }
}

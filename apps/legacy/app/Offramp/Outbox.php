<?php

namespace App\Offramp;

use DateTimeImmutable;
use DateTimeZone;
use Illuminate\Database\ConnectionInterface;
use Illuminate\Support\Facades\DB;
use Illuminate\Support\Str;
use LogicException;

/**
 * Transactional outbox: records an event row in the same database transaction as the change
 * it describes. Offramp's relay publishes each row to NATS JetStream (event_id becomes the
 * Nats-Msg-Id, event_type the subject) and sets published_at once JetStream acknowledged it.
 *
 * Self-contained: depends on nothing but Laravel's database layer, so a team can copy this file
 * (plus OfframpServiceProvider, OfframpDispatcher, config/offramp.php and the migration) into
 * its own application.
 *
 *   DB::transaction(function () use ($order) {
 *       $order->save();
 *       Outbox::record('order', $order->id, 'shop.orders.placed.v1', ['order_id' => $order->id]);
 *   });
 */
final class Outbox
{
    public const ORDER_PLACED = 'shop.orders.placed.v1';
    public const ORDER_PAID = 'shop.orders.paid.v1';
    public const PRODUCT_PRICE_CHANGED = 'shop.products.price_changed.v1';
    public const PRODUCT_STOCK_CHANGED = 'shop.products.stock_changed.v1';

    /**
     * Inserts one outbox row. Must run inside a transaction on the same connection as the change,
     * otherwise the event and the change could diverge: refuses to run outside of one.
     *
     * @param  array<string,mixed>  $payload
     * @return string the event id (UUID)
     */
    public static function record(
        string $aggregateType,
        string|int $aggregateId,
        string $eventType,
        array $payload,
        ?ConnectionInterface $connection = null
    ): string {
        $connection ??= DB::connection();

        if ($connection->transactionLevel() < 1) {
            throw new LogicException('Outbox::record() must be called inside a database transaction with the change it describes.');
        }
        if (! preg_match('/^[a-z0-9_]+(\.[a-z0-9_]+)+\.v[0-9]+$/', $eventType)) {
            throw new LogicException("Invalid event type (NATS subject expected, e.g. shop.orders.placed.v1): {$eventType}");
        }

        $eventId = (string) Str::uuid();

        $connection->table(self::table())->insert([
            'event_id' => $eventId,
            'aggregate_type' => $aggregateType,
            'aggregate_id' => (string) $aggregateId,
            'event_type' => $eventType,
            'payload' => json_encode($payload, JSON_UNESCAPED_SLASHES | JSON_UNESCAPED_UNICODE | JSON_PRESERVE_ZERO_FRACTION | JSON_THROW_ON_ERROR),
            'occurred_at' => self::now(),
            'published_at' => null,
            'attempts' => 0,
            'last_error' => null,
            'trace_context' => self::traceContext(),
        ]);

        return $eventId;
    }

    /**
     * The W3C trace context of the request being served (the gateway's traceparent, and tracestate),
     * as JSON for the trace_context column; null outside a request or without a well-formed traceparent.
     */
    public static function traceContext(): ?string
    {
        if (! function_exists('app') || ! app()->bound('request')) {
            return null;
        }
        $request = app('request');
        $traceparent = strtolower(trim((string) $request->headers->get('traceparent', '')));
        if (! preg_match('/^[0-9a-f]{2}-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$/', $traceparent)
            || str_starts_with($traceparent, 'ff') || str_contains($traceparent, '-00000000000000000000000000000000-') || str_contains($traceparent, '-0000000000000000-')) {
            return null;
        }
        $context = ['traceparent' => $traceparent];
        $tracestate = trim((string) $request->headers->get('tracestate', ''));
        if ($tracestate !== '' && strlen($tracestate) <= 512) {
            $context['tracestate'] = $tracestate;
        }

        return json_encode($context, JSON_UNESCAPED_SLASHES | JSON_THROW_ON_ERROR);
    }

    /** Current UTC time with microseconds, as stored in occurred_at: 2026-01-31 12:00:00.123456 */
    public static function now(): string
    {
        return (new DateTimeImmutable('now', new DateTimeZone('UTC')))->format('Y-m-d H:i:s.u');
    }

    public static function table(): string
    {
        return function_exists('config') ? (string) config('offramp.outbox_table', 'offramp_outbox') : 'offramp_outbox';
    }
}

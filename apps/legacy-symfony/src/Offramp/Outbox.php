<?php

namespace App\Offramp;

use Doctrine\DBAL\Connection;
use Symfony\Component\HttpFoundation\RequestStack;

/**
 * Transactional outbox, the Symfony twin of the Laravel app's App\Offramp\Outbox: the same table
 * (offramp_outbox), columns, event names and payloads, so Offramp's relay publishes these rows
 * unchanged (event_id becomes the Nats-Msg-Id, event_type the subject).
 *
 *   $connection->transactional(function () use (...) {
 *       $connection->update('products', [...], ['id' => $id]);
 *       $outbox->record('product', $id, Outbox::PRODUCT_PRICE_CHANGED, [...]);
 *   });
 */
final class Outbox
{
    public const ORDER_PLACED = 'shop.orders.placed.v1';
    public const ORDER_PAID = 'shop.orders.paid.v1';
    public const PRODUCT_PRICE_CHANGED = 'shop.products.price_changed.v1';
    public const PRODUCT_STOCK_CHANGED = 'shop.products.stock_changed.v1';
    public const TABLE = 'offramp_outbox';

    public function __construct(private readonly Connection $connection, private readonly RequestStack $requests)
    {
    }

    /**
     * Inserts one outbox row on the app's connection. Refuses to run outside a transaction: the
     * event and the change it describes commit or roll back together.
     *
     * @param  array<string,mixed>  $payload
     * @return string the event id (UUID v4)
     */
    public function record(string $aggregateType, string|int $aggregateId, string $eventType, array $payload): string
    {
        if (! $this->connection->isTransactionActive()) {
            throw new OutboxOutsideTransaction('Outbox::record() must be called inside a database transaction with the change it describes.');
        }
        if (! preg_match('/^[a-z0-9_]+(\.[a-z0-9_]+)+\.v[0-9]+$/', $eventType)) {
            throw new \InvalidArgumentException("Invalid event type (NATS subject expected, e.g. shop.orders.placed.v1): {$eventType}");
        }

        $eventId = self::uuid4();
        $this->connection->insert(self::TABLE, [
            'event_id' => $eventId,
            'aggregate_type' => $aggregateType,
            'aggregate_id' => (string) $aggregateId,
            'event_type' => $eventType,
            'payload' => json_encode($payload, JSON_UNESCAPED_SLASHES | JSON_UNESCAPED_UNICODE | JSON_PRESERVE_ZERO_FRACTION | JSON_THROW_ON_ERROR),
            'occurred_at' => self::now(),
            'published_at' => null,
            'attempts' => 0,
            'last_error' => null,
            'trace_context' => $this->traceContext(),
        ]);

        return $eventId;
    }

    /** The W3C trace context of the request being served, as JSON for trace_context; null without a well-formed traceparent. */
    public function traceContext(): ?string
    {
        $request = $this->requests->getMainRequest();
        if ($request === null) {
            return null;
        }
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
        return (new \DateTimeImmutable('now', new \DateTimeZone('UTC')))->format('Y-m-d H:i:s.u');
    }

    private static function uuid4(): string
    {
        $bytes = random_bytes(16);
        $bytes[6] = chr((ord($bytes[6]) & 0x0F) | 0x40);
        $bytes[8] = chr((ord($bytes[8]) & 0x3F) | 0x80);

        return vsprintf('%s%s-%s-%s-%s-%s%s%s', str_split(bin2hex($bytes), 4));
    }
}

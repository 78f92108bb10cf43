<?php

namespace App\Tests\Functional;

use App\Offramp\Outbox;
use App\Offramp\OutboxOutsideTransaction;
use Doctrine\DBAL\Connection;
use Symfony\Bundle\FrameworkBundle\KernelBrowser;
use Symfony\Bundle\FrameworkBundle\Test\WebTestCase;

/**
 * An admin edit writes the Laravel app's product events to offramp_outbox in the edit's transaction:
 * same table shape, event names and payloads, so Offramp's relay reads them unchanged.
 */
final class OutboxTest extends WebTestCase
{
    private static function connection(): Connection
    {
        return static::getContainer()->get(Connection::class);
    }

    /** Logs the admin in and returns the CSRF token the admin page carries. */
    private static function admin(KernelBrowser $client): string
    {
        $crawler = $client->request('GET', '/login');
        $client->submit($crawler->filter('#login-form')->form(['email' => 'admin@example.test', 'password' => 'password']));
        $crawler = $client->request('GET', '/admin/products');
        self::assertSame(200, $client->getResponse()->getStatusCode());

        return (string) $crawler->filter('meta[name=csrf-token]')->attr('content');
    }

    private static function patch(KernelBrowser $client, int $id, array $body, ?string $token, array $headers = []): array
    {
        $server = ['CONTENT_TYPE' => 'application/json'] + ($token !== null ? ['HTTP_X_CSRF_TOKEN' => $token] : []) + $headers;
        $client->request('PATCH', "/admin/products/{$id}/edit", [], [], $server, json_encode($body));

        return [$client->getResponse()->getStatusCode(), json_decode((string) $client->getResponse()->getContent(), true)];
    }

    /** @return list<array<string,mixed>> */
    private static function rowsAfter(int $id): array
    {
        return self::connection()->fetchAllAssociative('SELECT * FROM offramp_outbox WHERE id > ? ORDER BY id', [$id]);
    }

    private static function lastId(): int
    {
        return (int) self::connection()->fetchOne('SELECT COALESCE(MAX(id), 0) FROM offramp_outbox');
    }

    /** MariaDB counts changed rows: a second edit in the same second changes no updated_at and was a 404. */
    public function testTwoEditsOfAProductInTheSameSecondBothSucceed(): void
    {
        $client = static::createClient();
        $token = self::admin($client);
        [$first] = self::patch($client, 12, ['stock' => 7], $token);
        [$second, $product] = self::patch($client, 12, ['stock' => 8], $token);
        self::assertSame([200, 200, 8], [$first, $second, $product['stock']]);
    }

    public function testAnAdminEditRecordsPriceAndStockEvents(): void
    {
        $client = static::createClient();
        $token = self::admin($client);
        $before = self::connection()->fetchAssociative('SELECT price_cents, stock FROM products WHERE id = 11');
        $last = self::lastId();

        $traceparent = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';
        [$status, $product] = self::patch($client, 11, ['price_cents' => 1234, 'stock' => (int) $before['stock'] + 5], $token, ['HTTP_TRACEPARENT' => $traceparent]);
        self::assertSame(200, $status);
        self::assertSame([1234, (int) $before['stock'] + 5], [$product['price_cents'], $product['stock']]);

        $rows = self::rowsAfter($last);
        self::assertSame(['shop.products.price_changed.v1', 'shop.products.stock_changed.v1'], array_column($rows, 'event_type'));
        self::assertSame(['product', 'product'], array_column($rows, 'aggregate_type'));
        self::assertSame(['11', '11'], array_map('strval', array_column($rows, 'aggregate_id')));
        self::assertSame(['product_id' => 11, 'price_cents' => 1234, 'previous_price_cents' => (int) $before['price_cents'], 'currency' => 'USD'], json_decode($rows[0]['payload'], true));
        self::assertSame(
            ['product_id' => 11, 'stock' => (int) $before['stock'] + 5, 'previous_stock' => (int) $before['stock'], 'delta' => 5, 'reason' => 'admin_update', 'order_id' => null],
            json_decode($rows[1]['payload'], true),
        );
        foreach ($rows as $row) {
            self::assertMatchesRegularExpression('/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/', $row['event_id']);
            self::assertMatchesRegularExpression('/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}(\.\d{1,6})?$/', (string) $row['occurred_at']);
            self::assertNull($row['published_at']);
            self::assertSame(0, (int) $row['attempts']);
            self::assertSame(['traceparent' => $traceparent], json_decode((string) $row['trace_context'], true));
        }

        // Unchanged values record nothing.
        self::patch($client, 11, ['price_cents' => 1234], $token);
        self::assertCount(2, self::rowsAfter($last));
    }

    public function testRefusedEditsRecordNothing(): void
    {
        $client = static::createClient();
        $token = self::admin($client);
        $last = self::lastId();

        self::assertSame(403, self::patch($client, 12, ['price_cents' => 1], 'forged')[0]);
        self::assertSame(403, self::patch($client, 12, ['price_cents' => 1], null)[0]);
        [$status, $problem] = self::patch($client, 12, ['stock' => -1], $token);
        self::assertSame([422, 'stock'], [$status, $problem['field']]);
        self::assertSame(404, self::patch($client, 99999, ['price_cents' => 1], $token)[0]);
        self::assertSame([], self::rowsAfter($last));
    }

    public function testTheEventCommitsAndRollsBackWithTheChange(): void
    {
        static::bootKernel();
        $connection = self::connection();
        $outbox = static::getContainer()->get(Outbox::class);
        $last = self::lastId();
        $price = (int) $connection->fetchOne('SELECT price_cents FROM products WHERE id = 13');

        try {
            $connection->transactional(function (Connection $c) use ($outbox): void {
                $c->update('products', ['price_cents' => 1], ['id' => 13]);
                $outbox->record('product', 13, Outbox::PRODUCT_PRICE_CHANGED, ['product_id' => 13]);
                throw new \RuntimeException('the change fails after the event was recorded');
            });
        } catch (\RuntimeException) {
        }
        self::assertSame([], self::rowsAfter($last));
        self::assertSame($price, (int) $connection->fetchOne('SELECT price_cents FROM products WHERE id = 13'));

        $this->expectException(OutboxOutsideTransaction::class);
        $outbox->record('product', 13, Outbox::PRODUCT_PRICE_CHANGED, ['product_id' => 13]);
    }
}

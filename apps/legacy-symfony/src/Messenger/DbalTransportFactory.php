<?php

namespace App\Messenger;

use Doctrine\DBAL\Connection as DbalConnection;
use Symfony\Component\Messenger\Bridge\Doctrine\Transport\Connection;
use Symfony\Component\Messenger\Bridge\Doctrine\Transport\DoctrineTransport;
use Symfony\Component\Messenger\Transport\Serialization\SerializerInterface;
use Symfony\Component\Messenger\Transport\TransportFactoryInterface;
use Symfony\Component\Messenger\Transport\TransportInterface;

/**
 * doctrine:// Messenger transports without DoctrineBundle: Symfony's DoctrineTransportFactory needs
 * Doctrine's ConnectionRegistry (doctrine/persistence, not in Debian's Symfony packages), so this
 * factory gives Symfony's own Doctrine transport Connection the app's one DBAL connection.
 * Every option of the DSN (table_name, queue_name, redeliver_timeout, auto_setup) works as documented
 * by Symfony; the connection name in doctrine://<name> must be "default". No PostgreSQL LISTEN/NOTIFY:
 * workers poll (check_delayed_interval), the same on every database.
 */
final class DbalTransportFactory implements TransportFactoryInterface
{
    public function __construct(private readonly DbalConnection $connection)
    {
    }

    public function createTransport(string $dsn, array $options, SerializerInterface $serializer): TransportInterface
    {
        unset($options['transport_name'], $options['use_notify']);
        $configuration = Connection::buildConfiguration($dsn, $options);
        if ($configuration['connection'] !== 'default') {
            throw new \InvalidArgumentException(sprintf('Messenger DSN "%s": this app has one DBAL connection, "default" (doctrine://default?...).', $dsn));
        }

        return new DoctrineTransport(new Connection($configuration, $this->connection), $serializer);
    }

    public function supports(string $dsn, array $options): bool
    {
        return str_starts_with($dsn, 'doctrine://');
    }
}

<?php

namespace App\Session;

use App\Database\ConnectionFactory;
use Doctrine\DBAL\Connection;
use Symfony\Component\HttpFoundation\Session\Storage\Handler\NativeFileSessionHandler;
use Symfony\Component\HttpFoundation\Session\Storage\Handler\PdoSessionHandler;
use Symfony\Component\HttpFoundation\Session\Storage\Handler\RedisSessionHandler;

/**
 * The session store, from SESSION_DRIVER (the same names as the Laravel app's):
 *   file     native PHP session files sess_<id> in SESSION_SAVE_PATH (default var/sessions)
 *   database PdoSessionHandler, table SESSION_TABLE (default symfony_sessions: the Laravel app's
 *            "sessions" table has other columns) on the app's database
 *   redis    RedisSessionHandler on REDIS_URL, keys REDIS_SESSION_PREFIX<id> (default sf_sess_)
 * The data is PHP's session serialize format (session.serialize_handler=php) in every store.
 */
final class SessionHandlerFactory
{
    public function __construct(private readonly Connection $connection)
    {
    }

    public function create(string $driver, string $savePath, string $table, string $redisUrl, string $redisPrefix): \SessionHandlerInterface
    {
        switch ($driver) {
            case 'file':
                if (! is_dir($savePath) && ! @mkdir($savePath, 0770, true) && ! is_dir($savePath)) {
                    throw new InvalidSessionConfig("SESSION_SAVE_PATH: the folder cannot be created: {$savePath}");
                }

                return new NativeFileSessionHandler($savePath);
            case 'database':
                [$dsn, $user, $password] = ConnectionFactory::pdoDsn($this->connection->getParams());

                return new PdoSessionHandler($dsn, ['db_table' => $table, 'db_username' => $user, 'db_password' => $password, 'lock_mode' => PdoSessionHandler::LOCK_TRANSACTIONAL]);
            case 'redis':
                $parts = parse_url($redisUrl);
                if ($parts === false || ! in_array($parts['scheme'] ?? '', ['redis', 'rediss'], true)) {
                    throw new InvalidSessionConfig("REDIS_URL: expected redis://[:password@]host:port[/db], got: {$redisUrl}");
                }
                $redis = new \Redis();
                $redis->connect($parts['host'] ?? '127.0.0.1', (int) ($parts['port'] ?? 6379), 2.0);
                if (isset($parts['pass'])) {
                    $redis->auth(rawurldecode($parts['pass']));
                }
                $db = (int) ltrim($parts['path'] ?? '', '/');
                if ($db > 0) {
                    $redis->select($db);
                }

                return new RedisSessionHandler($redis, ['prefix' => $redisPrefix]);
            default:
                throw new InvalidSessionConfig("SESSION_DRIVER: unsupported value \"{$driver}\" (use file, database or redis).");
        }
    }
}

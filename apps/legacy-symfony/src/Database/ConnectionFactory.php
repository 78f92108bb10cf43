<?php

namespace App\Database;

use Doctrine\DBAL\Connection;
use Doctrine\DBAL\DriverManager;

/**
 * The app's DBAL connection: DATABASE_URL, else Laravel's DB_* variables, else the SQLite file
 * <repo>/data/offramp-symfony.sqlite (its own file: its tables share names with the Laravel app's).
 */
final class ConnectionFactory
{
    public static function create(string $databaseUrl, string $projectDir): Connection
    {
        return DriverManager::getConnection(self::params($databaseUrl, $projectDir));
    }

    /** @return array<string,mixed> */
    public static function params(string $databaseUrl, string $projectDir): array
    {
        $env = static fn (string $name) => $_SERVER[$name] ?? $_ENV[$name] ?? getenv($name);
        $params = $databaseUrl !== ''
            ? DatabaseUrl::parse($databaseUrl)
            : (DatabaseUrl::fromLaravelVariables(array_map($env, ['DB_CONNECTION' => 'DB_CONNECTION', 'DB_HOST' => 'DB_HOST', 'DB_PORT' => 'DB_PORT', 'DB_DATABASE' => 'DB_DATABASE', 'DB_USERNAME' => 'DB_USERNAME', 'DB_PASSWORD' => 'DB_PASSWORD']))
                ?? ['driver' => 'pdo_sqlite', 'path' => dirname($projectDir, 2).'/data/offramp-symfony.sqlite']);

        if ($params['driver'] === 'pdo_sqlite') {
            $dir = dirname($params['path']);
            if (! is_dir($dir) && ! @mkdir($dir, 0775, true) && ! is_dir($dir)) {
                throw new InvalidDatabaseConfig("DATABASE_URL: the folder of the SQLite file cannot be created: {$dir}");
            }
            // The Node services write the same file: wait for their locks instead of failing with "database is locked".
            $params['driverOptions'] = [\PDO::ATTR_TIMEOUT => max(1, intdiv((int) ($env('DB_BUSY_TIMEOUT_MS') ?: 10000), 1000))];
        }

        return $params;
    }

    /** A PDO DSN for the same database, for PdoSessionHandler (its own PDO: it runs its own transactions). */
    public static function pdoDsn(array $params): array
    {
        return match ($params['driver']) {
            'pdo_sqlite' => ['sqlite:'.$params['path'], null, null],
            'pdo_mysql' => [sprintf('mysql:host=%s;port=%d;dbname=%s;charset=utf8mb4', $params['host'], $params['port'], $params['dbname']), $params['user'], $params['password']],
            'pdo_pgsql' => [sprintf('pgsql:host=%s;port=%d;dbname=%s', $params['host'], $params['port'], $params['dbname']), $params['user'], $params['password']],
        };
    }
}

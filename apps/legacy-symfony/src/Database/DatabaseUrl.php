<?php

namespace App\Database;

/**
 * The DATABASE_URL shared with the Node services (and the Laravel app), as DBAL connection params.
 *
 *   sqlite:///absolute/path/file.sqlite
 *   mysql://user:pass@host:port/db      (also mariadb://)
 *   postgres://user:pass@host:port/db   (also postgresql://, pgsql://)
 *
 * DBAL's own url parameter reads sqlite:///x as the relative path "x"; this keeps the meaning the
 * rest of Offramp gives it (an absolute path).
 */
final class DatabaseUrl
{
    /** @return array<string,mixed> DBAL DriverManager params */
    public static function parse(string $url): array
    {
        if (preg_match('#^sqlite3?://(.*)$#', $url, $m)) {
            $path = rawurldecode((string) preg_replace('/\?.*$/', '', $m[1]));
            if ($path === '' || $path[0] !== '/') {
                throw new InvalidDatabaseConfig("DATABASE_URL for sqlite must hold an absolute path (sqlite:///abs/path.sqlite), got: {$url}");
            }

            return ['driver' => 'pdo_sqlite', 'path' => $path];
        }

        $parts = parse_url($url);
        if ($parts === false || ! isset($parts['scheme'])) {
            throw new InvalidDatabaseConfig('DATABASE_URL is not a valid URL (expected sqlite:///abs/path.sqlite, mysql://user:pass@host:port/db or postgres://user:pass@host:port/db).');
        }

        $driver = match (strtolower($parts['scheme'])) {
            'mysql', 'mariadb' => 'pdo_mysql',
            'postgres', 'postgresql', 'pgsql' => 'pdo_pgsql',
            default => throw new InvalidDatabaseConfig("DATABASE_URL: unsupported scheme \"{$parts['scheme']}\" (use sqlite, mysql, mariadb, postgres)."),
        };
        $database = rawurldecode(ltrim($parts['path'] ?? '', '/'));
        if ($database === '') {
            throw new InvalidDatabaseConfig('DATABASE_URL names no database (…/dbname at the end).');
        }

        $params = [
            'driver' => $driver,
            'host' => $parts['host'] ?? '127.0.0.1',
            'port' => (int) ($parts['port'] ?? ($driver === 'pdo_mysql' ? 3306 : 5432)),
            'dbname' => $database,
            'user' => rawurldecode($parts['user'] ?? ($driver === 'pdo_mysql' ? 'root' : 'postgres')),
            'password' => rawurldecode($parts['pass'] ?? ''),
        ];
        if ($driver === 'pdo_mysql') {
            $params['charset'] = 'utf8mb4';
        }
        if (isset($parts['query'])) {
            parse_str($parts['query'], $query);
            if (isset($query['sslmode']) && $driver === 'pdo_pgsql') {
                $params['sslmode'] = (string) $query['sslmode'];
            }
        }

        return $params;
    }

    /**
     * Laravel's DB_* variables (DB_CONNECTION, DB_HOST, DB_PORT, DB_DATABASE, DB_USERNAME, DB_PASSWORD),
     * used when DATABASE_URL is unset so the app reads a Laravel-style .env too.
     *
     * @param  array<string,string|false>  $env
     * @return array<string,mixed>|null null when DB_CONNECTION is unset
     */
    public static function fromLaravelVariables(array $env): ?array
    {
        $connection = (string) ($env['DB_CONNECTION'] ?? '');
        if ($connection === '') {
            return null;
        }
        if ($connection === 'sqlite') {
            $path = (string) ($env['DB_DATABASE'] ?? '');

            return $path === '' ? null : self::parse('sqlite://'.$path);
        }
        $scheme = match ($connection) {
            'mysql', 'mariadb' => 'mysql',
            'pgsql' => 'postgres',
            default => throw new InvalidDatabaseConfig("DB_CONNECTION: unsupported value \"{$connection}\" (use sqlite, mysql, pgsql)."),
        };
        $auth = rawurlencode((string) ($env['DB_USERNAME'] ?? '')).(($env['DB_PASSWORD'] ?? '') !== '' ? ':'.rawurlencode((string) $env['DB_PASSWORD']) : '');

        return self::parse(sprintf('%s://%s%s:%s/%s', $scheme, $auth !== '' ? $auth.'@' : '', $env['DB_HOST'] ?: '127.0.0.1', $env['DB_PORT'] ?: ($scheme === 'mysql' ? 3306 : 5432), rawurlencode((string) ($env['DB_DATABASE'] ?? ''))));
    }
}

<?php

namespace App\Support;

use InvalidArgumentException;

/**
 * Turns the DATABASE_URL shared with the Node services into a Laravel connection config.
 *
 *   sqlite:///absolute/path/file.sqlite
 *   mysql://user:pass@host:port/db      (also mariadb://)
 *   postgres://user:pass@host:port/db   (also postgresql://, pgsql://)
 */
final class DatabaseUrl
{
    /** @return array{0:string,1:array<string,mixed>} [connection name, partial config] */
    public static function parse(string $url): array
    {
        if (preg_match('#^sqlite3?://(.*)$#', $url, $m)) {
            $path = rawurldecode(preg_replace('/\?.*$/', '', $m[1]));
            if ($path === '' || $path[0] !== '/') {
                throw new InvalidArgumentException("DATABASE_URL for sqlite must hold an absolute path (sqlite:///abs/path.sqlite), got: {$url}");
            }

            return ['sqlite', ['database' => $path]];
        }

        $parts = parse_url($url);
        if ($parts === false || ! isset($parts['scheme'])) {
            throw new InvalidArgumentException('DATABASE_URL is not a valid URL.');
        }

        $driver = match (strtolower($parts['scheme'])) {
            'mysql', 'mariadb' => 'mysql',
            'postgres', 'postgresql', 'pgsql' => 'pgsql',
            default => throw new InvalidArgumentException("Unsupported DATABASE_URL scheme: {$parts['scheme']}"),
        };

        $config = [
            'host' => $parts['host'] ?? '127.0.0.1',
            'port' => (string) ($parts['port'] ?? ($driver === 'mysql' ? 3306 : 5432)),
            'database' => rawurldecode(ltrim($parts['path'] ?? '', '/')),
            'username' => rawurldecode($parts['user'] ?? ($driver === 'mysql' ? 'root' : 'postgres')),
            'password' => rawurldecode($parts['pass'] ?? ''),
        ];

        if (isset($parts['query'])) {
            parse_str($parts['query'], $query);
            if (isset($query['sslmode']) && $driver === 'pgsql') {
                $config['sslmode'] = $query['sslmode'];
            }
        }

        return [$driver, $config];
    }
}

<?php

use App\Support\DatabaseUrl;

/*
 * Which database: DATABASE_URL wins when it is set (the one variable shared with the Node
 * services). Without it, Laravel's DB_CONNECTION / DB_* variables are used. Without either,
 * the SQLite file <repo>/data/offramp.sqlite.
 */
$defaultSqlite = env('DB_DATABASE_SQLITE', dirname(__DIR__, 3).'/data/offramp.sqlite');

$connections = [
    'sqlite' => [
        'driver' => 'sqlite',
        'database' => env('DB_CONNECTION', 'sqlite') === 'sqlite' ? env('DB_DATABASE', $defaultSqlite) : $defaultSqlite,
        'prefix' => '',
        'foreign_key_constraints' => env('DB_FOREIGN_KEYS', true),
        // Node services write the same file: WAL + busy timeout (applied by AppServiceProvider).
        'busy_timeout_ms' => (int) env('DB_BUSY_TIMEOUT_MS', 10000),
        'journal_mode' => env('DB_JOURNAL_MODE', 'wal'),
    ],
    'mysql' => [
        'driver' => 'mysql',
        'host' => env('DB_HOST', '127.0.0.1'),
        'port' => env('DB_PORT', '3306'),
        'database' => env('DB_DATABASE', 'offramp'),
        'username' => env('DB_USERNAME', 'root'),
        'password' => env('DB_PASSWORD', ''),
        'unix_socket' => env('DB_SOCKET', ''),
        'charset' => 'utf8mb4',
        'collation' => 'utf8mb4_unicode_ci',
        'prefix' => '',
        'prefix_indexes' => true,
        'strict' => true,
        'engine' => 'InnoDB',
        'timezone' => '+00:00',
        'options' => [],
    ],
    'pgsql' => [
        'driver' => 'pgsql',
        'host' => env('DB_HOST', '127.0.0.1'),
        'port' => env('DB_PORT', '5432'),
        'database' => env('DB_DATABASE', 'offramp'),
        'username' => env('DB_USERNAME', 'postgres'),
        'password' => env('DB_PASSWORD', ''),
        'charset' => 'utf8',
        'prefix' => '',
        'prefix_indexes' => true,
        'schema' => 'public',
        'sslmode' => 'prefer',
        'timezone' => 'UTC',
    ],
];

$default = env('DB_CONNECTION', 'sqlite');

if ($url = env('DATABASE_URL')) {
    [$default, $fromUrl] = DatabaseUrl::parse($url);
    $connections[$default] = array_merge($connections[$default], $fromUrl);
}

return [
    'default' => $default,
    'connections' => $connections,
    'migrations' => 'migrations',
    'redis' => [
        'client' => env('REDIS_CLIENT', 'phpredis'),
        'options' => [
            'cluster' => env('REDIS_CLUSTER', 'redis'),
            'prefix' => env('REDIS_PREFIX', ''),
        ],
        'default' => [
            'url' => env('REDIS_URL'),
            'host' => env('REDIS_HOST', '127.0.0.1'),
            'password' => env('REDIS_PASSWORD'),
            'port' => env('REDIS_PORT', '6379'),
            'database' => env('REDIS_DB', '0'),
        ],
        'cache' => [
            'url' => env('REDIS_URL'),
            'host' => env('REDIS_HOST', '127.0.0.1'),
            'password' => env('REDIS_PASSWORD'),
            'port' => env('REDIS_PORT', '6379'),
            'database' => env('REDIS_CACHE_DB', '1'),
        ],
    ],
];

<?php

/*
 * Test bootstrap: a database of our own for this run, never data/offramp.sqlite.
 *   TEST_DB=sqlite (default) | mysql | pgsql
 *   TEST_MYSQL_URL (mysql://root@127.0.0.1:3306/test), TEST_PGSQL_URL (postgres://postgres@127.0.0.1:5432/test):
 *   the server to create the throw-away database offramp_legacy_<random> on (dropped at the end).
 */

require __DIR__.'/../bootstrap/autoload.php';

use Tests\Support\TestDatabase;

$db = TestDatabase::create(getenv('TEST_DB') ?: 'sqlite');
register_shutdown_function([$db, 'drop']);

foreach ([
    'DATABASE_URL' => $db->url,
    // Cleared so a developer's .env cannot point the tests elsewhere.
    'DB_CONNECTION' => '', 'DB_DATABASE' => '', 'DB_HOST' => '', 'DB_PORT' => '', 'DB_USERNAME' => '', 'DB_PASSWORD' => '',
    'OFFRAMP_TAKEN_OVER_JOBS' => null,
] as $name => $value) {
    if ($value === null) {
        putenv($name);
        unset($_ENV[$name], $_SERVER[$name]);
    } else {
        putenv("{$name}={$value}");
        $_ENV[$name] = $_SERVER[$name] = $value;
    }
}
fwrite(STDERR, "legacy tests: database {$db->driver} {$db->name}\n");

// Schema and a small deterministic data set, through the real artisan commands.
$db->artisan(['migrate', '--force', '--no-interaction']);
$db->artisan(['shop:seed', '--seed=42', '--products=60', '--users=8', '--orders=40', '--no-interaction']);

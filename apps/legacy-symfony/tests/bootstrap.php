<?php

/*
 * Test bootstrap: a database of our own for this run (never data/offramp-symfony.sqlite) and a temp
 * var folder (cache, logs, sessions), both removed at the end.
 *   TEST_DB=sqlite (default) | mysql | pgsql
 *   TEST_MYSQL_URL (mysql://root@127.0.0.1:3306/test), TEST_PGSQL_URL (postgres://postgres@127.0.0.1:5432/test):
 *   the server to create the throw-away database offramp_symfony_<random> on.
 */

require dirname(__DIR__).'/autoload.php';

use App\Tests\Support\Console;
use App\Tests\Support\TestDatabase;

$db = TestDatabase::create(getenv('TEST_DB') ?: 'sqlite');
$var = sys_get_temp_dir().'/offramp-symfony-var-'.bin2hex(random_bytes(4));
mkdir($var, 0777, true);
register_shutdown_function(static function () use ($db, $var): void {
    $db->drop();
    exec('rm -rf '.escapeshellarg($var));
});

foreach ([
    'APP_ENV' => 'test',
    'APP_DEBUG' => '0',
    'DATABASE_URL' => $db->url,
    'APP_VAR_DIR' => $var,
    'SESSION_SAVE_PATH' => $var.'/sessions',
    // Cleared so a developer's environment cannot point the tests elsewhere.
    'DB_CONNECTION' => '',
] as $name => $value) {
    putenv("{$name}={$value}");
    $_ENV[$name] = $_SERVER[$name] = $value;
}
fwrite(STDERR, "legacy-symfony tests: database {$db->driver} {$db->name}\n");

// Schema and a small deterministic data set, through the real console commands.
Console::mustRun(['app:migrate']);
Console::mustRun(['app:seed', '--seed=42', '--products=60', '--users=8']);

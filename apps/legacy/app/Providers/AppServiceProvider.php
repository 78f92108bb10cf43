<?php

namespace App\Providers;

use Closure;
use Illuminate\Database\Connection;
use Illuminate\Database\SQLiteConnection;
use Illuminate\Support\ServiceProvider;
use PDO;

class AppServiceProvider extends ServiceProvider
{
    public function register()
    {
        // SQLite file shared with the Node services: WAL journal and a busy timeout on every
        // connection (Laravel 8 has no config keys for either).
        Connection::resolverFor('sqlite', function ($pdo, $database, $prefix, $config) {
            $tune = static function (PDO $pdo) use ($config): PDO {
                $pdo->exec('PRAGMA busy_timeout = '.(int) ($config['busy_timeout_ms'] ?? 10000));
                if (($config['database'] ?? '') !== ':memory:' && ! empty($config['journal_mode'])) {
                    $pdo->exec('PRAGMA journal_mode = '.preg_replace('/[^a-z]/i', '', $config['journal_mode']));
                    $pdo->exec('PRAGMA synchronous = NORMAL');
                }

                return $pdo;
            };
            $wrap = static fn ($p) => $p instanceof Closure ? static fn () => $tune($p()) : $tune($p);
            self::ensureSqliteFile($config['database'] ?? null); // before PDO opens it (lazily)

            return new SQLiteConnection($wrap($pdo), $database, $prefix, $config);
        });
    }

    public function boot()
    {
    }

    /** Laravel refuses a missing SQLite file: create the folder and the file on first connection. */
    private static function ensureSqliteFile(?string $path): void
    {
        if ($path && $path !== ':memory:' && ! file_exists($path)) {
            @mkdir(dirname($path), 0775, true);
            @touch($path);
        }
    }
}

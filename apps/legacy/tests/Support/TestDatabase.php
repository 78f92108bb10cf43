<?php

namespace Tests\Support;

use PDO;
use RuntimeException;

/** A throw-away database for one test run: temp SQLite file, or offramp_legacy_<random> on a server. */
final class TestDatabase
{
    private bool $dropped = false;

    private function __construct(
        public string $driver,
        public string $name,
        public string $url,
        private ?string $adminDsn = null,
        private ?string $adminUser = null,
        private ?string $adminPass = null,
    ) {
    }

    public static function create(string $driver): self
    {
        $suffix = bin2hex(random_bytes(4));

        switch ($driver) {
            case 'sqlite':
                $dir = sys_get_temp_dir().'/offramp-legacy-tests';
                @mkdir($dir, 0777, true);
                $file = "{$dir}/test_{$suffix}.sqlite";
                touch($file);

                return new self('sqlite', $file, 'sqlite://'.$file);

            case 'mysql':
            case 'pgsql':
                $server = $driver === 'mysql'
                    ? (getenv('TEST_MYSQL_URL') ?: 'mysql://root@127.0.0.1:3306/test')
                    : (getenv('TEST_PGSQL_URL') ?: 'postgres://postgres@127.0.0.1:5432/test');
                $p = parse_url($server);
                $host = $p['host'] ?? '127.0.0.1';
                $port = $p['port'] ?? ($driver === 'mysql' ? 3306 : 5432);
                $user = rawurldecode($p['user'] ?? ($driver === 'mysql' ? 'root' : 'postgres'));
                $pass = rawurldecode($p['pass'] ?? '');
                $adminDb = ltrim($p['path'] ?? '', '/') ?: ($driver === 'mysql' ? '' : 'postgres');
                $dsn = $driver === 'mysql'
                    ? "mysql:host={$host};port={$port}".($adminDb ? ";dbname={$adminDb}" : '')
                    : "pgsql:host={$host};port={$port};dbname={$adminDb}";
                $name = "offramp_legacy_{$suffix}";
                $db = new self($driver, $name, '', $dsn, $user, $pass);
                try {
                    $db->admin()->exec($driver === 'mysql'
                        ? "CREATE DATABASE `{$name}` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci"
                        : "CREATE DATABASE \"{$name}\" ENCODING 'UTF8'");
                } catch (\PDOException $e) {
                    throw new RuntimeException("Cannot create the {$driver} test database on {$host}:{$port} ({$e->getMessage()}). Is the server running? Set TEST_".strtoupper($driver).'_URL.', 0, $e);
                }
                $scheme = $driver === 'mysql' ? 'mysql' : 'postgres';
                $auth = rawurlencode($user).($pass !== '' ? ':'.rawurlencode($pass) : '');
                $db->url = "{$scheme}://{$auth}@{$host}:{$port}/{$name}";

                return $db;
        }

        throw new RuntimeException("Unknown TEST_DB: {$driver} (sqlite, mysql or pgsql)");
    }

    private function admin(): PDO
    {
        return new PDO($this->adminDsn, $this->adminUser, $this->adminPass, [PDO::ATTR_ERRMODE => PDO::ERRMODE_EXCEPTION]);
    }

    /** Runs `php artisan ...` against this database in a child process; throws on failure. */
    public function artisan(array $args, array $env = []): string
    {
        $cmd = array_merge([PHP_BINARY, dirname(__DIR__, 2).'/artisan'], $args);
        $proc = proc_open($cmd, [1 => ['pipe', 'w'], 2 => ['pipe', 'w']], $pipes, dirname(__DIR__, 2), array_merge(getenv(), ['DATABASE_URL' => $this->url], $env));
        $out = stream_get_contents($pipes[1]);
        $err = stream_get_contents($pipes[2]);
        $code = proc_close($proc);
        if ($code !== 0) {
            throw new RuntimeException('artisan '.implode(' ', $args)." failed ({$code}):\n{$out}\n{$err}");
        }

        return $out;
    }

    public function drop(): void
    {
        if ($this->dropped) {
            return;
        }
        $this->dropped = true;
        if ($this->driver === 'sqlite') {
            foreach (['', '-wal', '-shm', '-journal'] as $ext) {
                @unlink($this->name.$ext);
            }

            return;
        }
        try {
            $this->admin()->exec($this->driver === 'mysql'
                ? "DROP DATABASE IF EXISTS `{$this->name}`"
                : "DROP DATABASE IF EXISTS \"{$this->name}\" WITH (FORCE)");
        } catch (\Throwable $e) {
            fwrite(STDERR, "could not drop test database {$this->name}: {$e->getMessage()}\n");
        }
    }
}

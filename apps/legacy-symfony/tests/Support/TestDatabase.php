<?php

namespace App\Tests\Support;

/**
 * A throw-away database for one test run: a temp SQLite file, or offramp_symfony_<random> on a
 * MariaDB / PostgreSQL server (its own name, so runs never clash with the Laravel app's offramp_legacy_*).
 */
final class TestDatabase
{
    private bool $dropped = false;

    private function __construct(
        public readonly string $driver,
        public readonly string $name,
        public string $url,
        private readonly ?string $adminDsn = null,
        private readonly ?string $adminUser = null,
        private readonly ?string $adminPass = null,
    ) {
    }

    public static function create(string $driver): self
    {
        $suffix = bin2hex(random_bytes(4));
        if ($driver === 'sqlite') {
            $dir = sys_get_temp_dir().'/offramp-symfony-tests';
            @mkdir($dir, 0777, true);
            $file = "{$dir}/test_{$suffix}.sqlite";
            touch($file);

            return new self('sqlite', $file, 'sqlite://'.$file);
        }
        if ($driver !== 'mysql' && $driver !== 'pgsql') {
            throw new \RuntimeException("Unknown TEST_DB: {$driver} (sqlite, mysql or pgsql)");
        }
        $server = $driver === 'mysql'
            ? (getenv('TEST_MYSQL_URL') ?: 'mysql://root@127.0.0.1:3306/test')
            : (getenv('TEST_PGSQL_URL') ?: 'postgres://postgres@127.0.0.1:5432/test');
        $p = parse_url($server);
        $host = $p['host'] ?? '127.0.0.1';
        $port = $p['port'] ?? ($driver === 'mysql' ? 3306 : 5432);
        $user = rawurldecode($p['user'] ?? ($driver === 'mysql' ? 'root' : 'postgres'));
        $pass = rawurldecode($p['pass'] ?? '');
        $adminDb = ltrim($p['path'] ?? '', '/') ?: ($driver === 'mysql' ? '' : 'postgres');
        $dsn = $driver === 'mysql' ? "mysql:host={$host};port={$port}".($adminDb ? ";dbname={$adminDb}" : '') : "pgsql:host={$host};port={$port};dbname={$adminDb}";
        $name = "offramp_symfony_{$suffix}";
        $db = new self($driver, $name, '', $dsn, $user, $pass);
        try {
            $db->admin()->exec($driver === 'mysql' ? "CREATE DATABASE `{$name}` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci" : "CREATE DATABASE \"{$name}\" ENCODING 'UTF8'");
        } catch (\PDOException $e) {
            throw new \RuntimeException("Cannot create the {$driver} test database on {$host}:{$port} ({$e->getMessage()}). Is the server running? Set TEST_".strtoupper($driver).'_URL.', 0, $e);
        }
        $auth = rawurlencode($user).($pass !== '' ? ':'.rawurlencode($pass) : '');
        $db->url = ($driver === 'mysql' ? 'mysql' : 'postgres')."://{$auth}@{$host}:{$port}/{$name}";

        return $db;
    }

    private function admin(): \PDO
    {
        return new \PDO((string) $this->adminDsn, $this->adminUser, $this->adminPass, [\PDO::ATTR_ERRMODE => \PDO::ERRMODE_EXCEPTION]);
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
            $this->admin()->exec($this->driver === 'mysql' ? "DROP DATABASE IF EXISTS `{$this->name}`" : "DROP DATABASE IF EXISTS \"{$this->name}\" WITH (FORCE)");
        } catch (\Throwable $e) {
            fwrite(STDERR, "could not drop test database {$this->name}: {$e->getMessage()}\n");
        }
    }
}

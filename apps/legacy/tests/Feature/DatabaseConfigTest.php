<?php

namespace Tests\Feature;

use Tests\TestCase;

/** config/database.php: DATABASE_URL wins; Laravel's DB_* otherwise; else <repo>/data/offramp.sqlite. */
class DatabaseConfigTest extends TestCase
{
    private array $saved = [];

    private function env(array $vars): array
    {
        foreach ($vars as $k => $v) {
            $this->saved[$k] ??= getenv($k);
            $v === null ? putenv($k) : putenv("{$k}={$v}");
            unset($_ENV[$k], $_SERVER[$k]);
        }

        return require config_path('database.php');
    }

    protected function tearDown(): void
    {
        foreach ($this->saved as $k => $v) {
            $v === false ? putenv($k) : putenv("{$k}={$v}");
        }
        parent::tearDown();
    }

    public function test_db_star_variables_without_database_url(): void
    {
        $c = $this->env(['DATABASE_URL' => null, 'DB_CONNECTION' => 'pgsql', 'DB_HOST' => 'db.internal', 'DB_DATABASE' => 'shop', 'DB_USERNAME' => 'app']);
        $this->assertSame('pgsql', $c['default']);
        $this->assertSame(['db.internal', 'shop', 'app'], [$c['connections']['pgsql']['host'], $c['connections']['pgsql']['database'], $c['connections']['pgsql']['username']]);
    }

    public function test_database_url_wins_over_db_star(): void
    {
        $c = $this->env(['DATABASE_URL' => 'mysql://u:p@10.0.0.5:3307/from_url', 'DB_CONNECTION' => 'pgsql', 'DB_DATABASE' => 'shop']);
        $this->assertSame('mysql', $c['default']);
        $this->assertSame(['10.0.0.5', '3307', 'from_url', 'u', 'p'], [$c['connections']['mysql']['host'], $c['connections']['mysql']['port'], $c['connections']['mysql']['database'], $c['connections']['mysql']['username'], $c['connections']['mysql']['password']]);
    }

    public function test_default_is_the_shared_sqlite_file(): void
    {
        $c = $this->env(['DATABASE_URL' => null, 'DB_CONNECTION' => null, 'DB_DATABASE' => null]);
        $this->assertSame('sqlite', $c['default']);
        $this->assertSame(realpath(base_path('../..')).'/data/offramp.sqlite', $c['connections']['sqlite']['database']);
        $this->assertSame('wal', $c['connections']['sqlite']['journal_mode']);
    }
}

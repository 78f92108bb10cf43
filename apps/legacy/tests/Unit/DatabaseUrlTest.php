<?php

namespace Tests\Unit;

use App\Support\DatabaseUrl;
use InvalidArgumentException;
use PHPUnit\Framework\TestCase;

class DatabaseUrlTest extends TestCase
{
    public function test_sqlite_absolute_path(): void
    {
        $this->assertSame(['sqlite', ['database' => '/srv/data/offramp.sqlite']], DatabaseUrl::parse('sqlite:///srv/data/offramp.sqlite'));
    }

    public function test_sqlite_relative_path_is_refused(): void
    {
        $this->expectException(InvalidArgumentException::class);
        DatabaseUrl::parse('sqlite://data/offramp.sqlite');
    }

    public function test_mysql_and_mariadb(): void
    {
        [$driver, $c] = DatabaseUrl::parse('mysql://shop:p%40ss@db.local:3307/offramp');
        $this->assertSame('mysql', $driver);
        $this->assertSame(['host' => 'db.local', 'port' => '3307', 'database' => 'offramp', 'username' => 'shop', 'password' => 'p@ss'], $c);
        $this->assertSame('mysql', DatabaseUrl::parse('mariadb://root@127.0.0.1/x')[0]);
        $this->assertSame('3306', DatabaseUrl::parse('mariadb://root@127.0.0.1/x')[1]['port']);
    }

    public function test_postgres_schemes(): void
    {
        foreach (['postgres', 'postgresql', 'pgsql'] as $scheme) {
            [$driver, $c] = DatabaseUrl::parse("{$scheme}://postgres@127.0.0.1:5432/test");
            $this->assertSame('pgsql', $driver);
            $this->assertSame('test', $c['database']);
            $this->assertSame('postgres', $c['username']);
            $this->assertSame('', $c['password']);
        }
    }

    public function test_unknown_scheme(): void
    {
        $this->expectException(InvalidArgumentException::class);
        DatabaseUrl::parse('oracle://x@y/z');
    }
}

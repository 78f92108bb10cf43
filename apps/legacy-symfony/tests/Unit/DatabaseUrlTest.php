<?php

namespace App\Tests\Unit;

use App\Database\DatabaseUrl;
use App\Database\InvalidDatabaseConfig;
use PHPUnit\Framework\TestCase;

final class DatabaseUrlTest extends TestCase
{
    public function testReadsTheUrlsTheNodeServicesUse(): void
    {
        self::assertSame(['driver' => 'pdo_sqlite', 'path' => '/tmp/a b.sqlite'], DatabaseUrl::parse('sqlite:///tmp/a%20b.sqlite'));
        self::assertSame(
            ['driver' => 'pdo_mysql', 'host' => 'db', 'port' => 3307, 'dbname' => 'shop', 'user' => 'u', 'password' => 'p@ss', 'charset' => 'utf8mb4'],
            DatabaseUrl::parse('mariadb://u:p%40ss@db:3307/shop'),
        );
        self::assertSame(
            ['driver' => 'pdo_pgsql', 'host' => '127.0.0.1', 'port' => 5432, 'dbname' => 'shop', 'user' => 'postgres', 'password' => '', 'sslmode' => 'require'],
            DatabaseUrl::parse('postgres://127.0.0.1/shop?sslmode=require'),
        );
    }

    public function testReadsLaravelsDbVariablesWhenThereIsNoUrl(): void
    {
        self::assertSame(
            ['driver' => 'pdo_mysql', 'host' => 'h', 'port' => 3306, 'dbname' => 'd', 'user' => 'u', 'password' => 'x', 'charset' => 'utf8mb4'],
            DatabaseUrl::fromLaravelVariables(['DB_CONNECTION' => 'mysql', 'DB_HOST' => 'h', 'DB_PORT' => '', 'DB_DATABASE' => 'd', 'DB_USERNAME' => 'u', 'DB_PASSWORD' => 'x']),
        );
        self::assertNull(DatabaseUrl::fromLaravelVariables(['DB_CONNECTION' => '']));
    }

    /** @return iterable<array{string,string}> */
    public static function badUrls(): iterable
    {
        yield 'relative sqlite path' => ['sqlite://rel.sqlite', 'absolute path'];
        yield 'unknown scheme' => ['oracle://h/db', 'unsupported scheme "oracle"'];
        yield 'no database' => ['mysql://root@127.0.0.1:3306', 'names no database'];
        yield 'not a url' => ['nonsense', 'not a valid URL'];
    }

    /** @dataProvider badUrls */
    public function testRefusesABadUrlNamingTheVariable(string $url, string $problem): void
    {
        try {
            DatabaseUrl::parse($url);
            self::fail('no error');
        } catch (InvalidDatabaseConfig $e) {
            self::assertStringContainsString('DATABASE_URL', $e->getMessage());
            self::assertStringContainsString($problem, $e->getMessage());
        }
    }
}

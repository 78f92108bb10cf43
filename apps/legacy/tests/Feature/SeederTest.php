<?php

namespace Tests\Feature;

use Illuminate\Support\Facades\Hash;
use PDO;
use Tests\Support\TestDatabase;
use Tests\TestCase;

class SeederTest extends TestCase
{
    public function test_runs_on_the_database_of_this_pass(): void
    {
        $driver = getenv('TEST_DB') ?: 'sqlite';
        $this->assertSame($driver, \Illuminate\Support\Facades\DB::getDriverName());
        $name = (string) \Illuminate\Support\Facades\DB::getDatabaseName();
        if ($driver === 'sqlite') {
            $this->assertStringContainsString('offramp-legacy-tests/test_', $name);
        } else {
            $this->assertStringStartsWith('offramp_legacy_', $name);
        }
    }

    public function test_known_users_and_sizes(): void
    {
        $this->assertTrue($this->admin()->is_admin);
        $this->assertFalse($this->customer()->is_admin);
        $this->assertTrue(Hash::check('password', $this->admin()->password));
        $this->assertTrue(Hash::check('password', $this->customer()->password));
        $this->assertSame(14, \App\Models\Category::count());
        $this->assertGreaterThanOrEqual(60, \App\Models\Product::count());
    }

    /** Same seed, same rows; another seed, other rows (on SQLite files of our own). */
    public function test_seed_is_reproducible(): void
    {
        $dump = function (int $seed): array {
            $db = TestDatabase::create('sqlite');
            try {
                $db->artisan(['migrate', '--force']);
                $db->artisan(['shop:seed', "--seed={$seed}", '--products=300', '--users=20', '--orders=200']);
                $pdo = new PDO('sqlite:'.$db->name);
                $out = [];
                foreach (['categories', 'users', 'products', 'orders', 'order_items'] as $t) {
                    $rows = $pdo->query("SELECT * FROM {$t} ORDER BY id")->fetchAll(PDO::FETCH_ASSOC);
                    if ($t === 'users') {
                        $rows = array_map(fn ($r) => array_diff_key($r, ['password' => 1]), $rows); // bcrypt salts differ
                    }
                    $out[$t] = $rows;
                }

                return $out;
            } finally {
                $db->drop();
            }
        };

        $a = $dump(7);
        $b = $dump(7);
        $c = $dump(8);
        $this->assertCount(300, $a['products']);
        $this->assertCount(200, $a['orders']);
        $this->assertSame($a, $b);
        $this->assertNotSame($a['products'], $c['products']);
        // order totals add up
        foreach (array_slice($a['orders'], 0, 50) as $o) {
            $sum = 0;
            foreach ($a['order_items'] as $i) {
                if ($i['order_id'] === $o['id']) {
                    $sum += $i['quantity'] * $i['unit_price_cents'];
                }
            }
            $this->assertSame($sum, (int) $o['total_cents']);
        }
    }
}

<?php

namespace Database\Seeders;

use App\Jobs\RecalculateProductPopularity;
use Illuminate\Database\Seeder;
use Illuminate\Support\Carbon;
use Illuminate\Support\Facades\DB;
use Illuminate\Support\Facades\Hash;
use Random\Engine\Mt19937;
use Random\Randomizer;

/**
 * Deterministic shop data set: the same seed and sizes give the same rows (ids, names, prices,
 * timestamps) on SQLite, MariaDB and PostgreSQL.
 *
 *   SEED (42), SEED_PRODUCTS (10000), SEED_USERS (1000), SEED_ORDERS (20000)
 *   or: php artisan shop:seed --seed=42 --products=10000 --users=1000 --orders=20000
 *
 * Known users (password "password"): id 1 admin@example.test (admin), id 2 customer@example.test.
 */
class DatabaseSeeder extends Seeder
{
    public const PASSWORD = 'password';

    private const CATEGORIES = [
        'Books', 'Clothing', 'Computers', 'Electronics', 'Garden', 'Grocery', 'Health',
        'Home', 'Kitchen', 'Music', 'Outdoors', 'Sports', 'Tools', 'Toys',
    ];
    private const ADJECTIVES = [
        'Awesome', 'Classic', 'Compact', 'Durable', 'Elegant', 'Ergonomic', 'Fantastic', 'Generic',
        'Gorgeous', 'Handcrafted', 'Incredible', 'Intelligent', 'Lightweight', 'Modern', 'Practical',
        'Refined', 'Rustic', 'Sleek', 'Small', 'Smart', 'Sturdy', 'Tasty', 'Unbranded', 'Vintage',
    ];
    private const MATERIALS = [
        'Bamboo', 'Bronze', 'Concrete', 'Copper', 'Cotton', 'Fresh', 'Frozen', 'Granite', 'Leather',
        'Linen', 'Marble', 'Metal', 'Plastic', 'Rubber', 'Silk', 'Soft', 'Steel', 'Wooden', 'Wool',
    ];
    private const NOUNS = [
        'Bag', 'Ball', 'Bike', 'Bottle', 'Chair', 'Clock', 'Computer', 'Gloves', 'Hat', 'Keyboard',
        'Lamp', 'Mouse', 'Pants', 'Pizza', 'Sausages', 'Shirt', 'Shoes', 'Table', 'Towels', 'Watch',
    ];
    private const FIRST = ['Ada', 'Alan', 'Barbara', 'Claude', 'Donald', 'Edsger', 'Frances', 'Grace', 'Ivan', 'John', 'Ken', 'Linus', 'Margaret', 'Niklaus', 'Radia', 'Tim'];
    private const LAST = ['Allen', 'Hamilton', 'Hopper', 'Knuth', 'Lamport', 'Liskov', 'Lovelace', 'McCarthy', 'Perlman', 'Ritchie', 'Shannon', 'Thompson', 'Torvalds', 'Turing', 'Wirth'];

    public int $seed;
    public int $products;
    public int $users;
    public int $orders;

    private Randomizer $rng;

    public function __construct()
    {
        $this->seed = (int) env('SEED', 42);
        $this->products = max(1, (int) env('SEED_PRODUCTS', 10000));
        $this->users = max(2, (int) env('SEED_USERS', 1000));
        $this->orders = max(0, (int) env('SEED_ORDERS', 20000));
    }

    public function run()
    {
        if (DB::table('products')->exists()) {
            $this->command?->warn('The database already has products: not seeding (use migrate:fresh --seed to start over).');

            return;
        }

        $started = microtime(true);
        $epoch = Carbon::create(2024, 1, 1, 0, 0, 0, 'UTC');

        DB::transaction(function () use ($epoch) {
            $this->seedCategories($epoch);
            $this->seedUsers($epoch);
            $this->seedProducts($epoch);
            $this->seedOrders($epoch);
        });
        (new RecalculateProductPopularity())->handle();
        $this->resetSequences();

        $this->command?->info(sprintf(
            'Seeded seed=%d: %d categories, %d users, %d products, %d orders in %.1fs',
            $this->seed, count(self::CATEGORIES), $this->users, $this->products, $this->orders, microtime(true) - $started
        ));
    }

    private function int(int $min, int $max): int
    {
        return $this->rng->getInt($min, $max);
    }

    private function pick(array $list): mixed
    {
        return $list[$this->rng->getInt(0, count($list) - 1)];
    }

    private function ts(Carbon $t): string
    {
        return $t->format('Y-m-d H:i:s');
    }

    private function bulk(string $table, array $rows, int $chunk = 500): void
    {
        foreach (array_chunk($rows, $chunk) as $part) {
            DB::table($table)->insert($part);
        }
    }

    private function seedCategories(Carbon $epoch): void
    {
        $rows = [];
        foreach (self::CATEGORIES as $i => $name) {
            $rows[] = ['id' => $i + 1, 'name' => $name, 'slug' => strtolower($name), 'created_at' => $this->ts($epoch), 'updated_at' => $this->ts($epoch)];
        }
        $this->bulk('categories', $rows);
    }

    /** One random stream per table: a table's rows depend on the seed, not on the other sizes. */
    private function stream(int $n): void
    {
        $this->rng = new Randomizer(new Mt19937(($this->seed * 1000003 + $n) & 0x7fffffff));
    }

    private function seedUsers(Carbon $epoch): void
    {
        $this->stream(1);
        $hash = Hash::make(self::PASSWORD); // one bcrypt for everyone: seeding stays fast
        $now = $this->ts($epoch);
        $rows = [
            ['id' => 1, 'name' => 'Ada Admin', 'email' => 'admin@example.test', 'password' => $hash, 'is_admin' => true, 'created_at' => $now, 'updated_at' => $now],
            ['id' => 2, 'name' => 'Casey Customer', 'email' => 'customer@example.test', 'password' => $hash, 'is_admin' => false, 'created_at' => $now, 'updated_at' => $now],
        ];
        for ($id = 3; $id <= $this->users; $id++) {
            $t = $this->ts($epoch->copy()->addMinutes($id));
            $rows[] = ['id' => $id, 'name' => $this->pick(self::FIRST).' '.$this->pick(self::LAST), 'email' => "user{$id}@example.test", 'password' => $hash, 'is_admin' => false, 'created_at' => $t, 'updated_at' => $t];
        }
        $this->bulk('users', $rows);
    }

    private function seedProducts(Carbon $epoch): void
    {
        $this->stream(2);
        $rows = [];
        $nCat = count(self::CATEGORIES);
        for ($id = 1; $id <= $this->products; $id++) {
            $name = $this->pick(self::ADJECTIVES).' '.$this->pick(self::MATERIALS).' '.$this->pick(self::NOUNS);
            $t = $this->ts($epoch->copy()->addSeconds($id * 37));
            $rows[] = [
                'id' => $id,
                'category_id' => $this->int(1, $nCat),
                'sku' => sprintf('SKU-%06d', $id),
                'name' => $name,
                'slug' => strtolower(str_replace(' ', '-', $name)).'-'.$id,
                'description' => "The {$name}: ".$this->pick(['built to last', 'a customer favourite', 'new this season', 'limited edition', 'best value']).'.',
                'price_cents' => $this->int(1, 2000) * 50 - 1, // …49 / …99 endings, 0.49 to 999.99
                'currency' => 'USD',
                'stock' => $this->int(0, 9) === 0 ? 0 : $this->int(1, 500),
                'popularity' => 0,
                'created_at' => $t,
                'updated_at' => $t,
            ];
            if (count($rows) === 1000) {
                $this->bulk('products', $rows);
                $rows = [];
            }
        }
        $this->bulk('products', $rows);
    }

    private function seedOrders(Carbon $epoch): void
    {
        $this->stream(3);
        $prices = DB::table('products')->orderBy('id')->pluck('price_cents', 'id')->all();
        $orders = [];
        $items = [];
        $itemId = 0;
        $start = $epoch->copy()->addYear(); // orders during 2025
        for ($id = 1; $id <= $this->orders; $id++) {
            $created = $start->copy()->addSeconds($this->int(0, 365 * 86400 - 1));
            $lines = $this->int(1, 4);
            $total = 0;
            $seen = [];
            for ($l = 0; $l < $lines; $l++) {
                $pid = $this->int(1, $this->products);
                if (isset($seen[$pid])) {
                    continue;
                }
                $seen[$pid] = true;
                $qty = $this->int(1, 3);
                $total += $prices[$pid] * $qty;
                $items[] = ['id' => ++$itemId, 'order_id' => $id, 'product_id' => $pid, 'quantity' => $qty, 'unit_price_cents' => $prices[$pid]];
            }
            $paid = $this->int(1, 10) <= 7;
            $paidAt = $paid ? $created->copy()->addMinutes($this->int(1, 120)) : null;
            $orders[] = [
                'id' => $id,
                'user_id' => $this->int(2, $this->users),
                'status' => $paid ? 'paid' : 'pending',
                'total_cents' => $total,
                'currency' => 'USD',
                'paid_at' => $paidAt ? $this->ts($paidAt) : null,
                'payment_reference' => $paid ? sprintf('evt_seed_%06d', $id) : null,
                'created_at' => $this->ts($created),
                'updated_at' => $this->ts($paidAt ?? $created),
            ];
            if (count($orders) >= 500) {
                $this->bulk('orders', $orders);
                $this->bulk('order_items', $items, 1000);
                $orders = $items = [];
            }
        }
        $this->bulk('orders', $orders);
        $this->bulk('order_items', $items, 1000);
    }

    /** Rows were inserted with explicit ids: move PostgreSQL's sequences past them. */
    private function resetSequences(): void
    {
        if (DB::getDriverName() !== 'pgsql') {
            return;
        }
        foreach (['categories', 'users', 'products', 'orders', 'order_items'] as $table) {
            DB::statement("SELECT setval(pg_get_serial_sequence('{$table}', 'id'), COALESCE((SELECT MAX(id) FROM {$table}), 0) + 1, false)");
        }
    }
}

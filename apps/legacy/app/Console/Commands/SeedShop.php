<?php

namespace App\Console\Commands;

use Database\Seeders\DatabaseSeeder;
use Illuminate\Console\Command;

class SeedShop extends Command
{
    protected $signature = 'shop:seed
        {--seed= : random seed (env SEED, default 42)}
        {--products= : number of products (env SEED_PRODUCTS, default 10000)}
        {--users= : number of users incl. the two known ones (env SEED_USERS, default 1000)}
        {--orders= : number of orders (env SEED_ORDERS, default 20000)}';

    protected $description = 'Seed the shop with a deterministic data set (skipped when products exist)';

    public function handle()
    {
        $seeder = new DatabaseSeeder();
        foreach (['seed' => 'seed', 'products' => 'products', 'users' => 'users', 'orders' => 'orders'] as $opt => $prop) {
            if ($this->option($opt) !== null) {
                $seeder->{$prop} = max($prop === 'users' ? 2 : 0, (int) $this->option($opt));
            }
        }
        $seeder->setContainer($this->laravel)->setCommand($this);
        $seeder->__invoke();

        return 0;
    }
}

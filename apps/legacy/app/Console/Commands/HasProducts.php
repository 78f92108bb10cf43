<?php

namespace App\Console\Commands;

use Illuminate\Console\Command;
use Illuminate\Support\Facades\DB;

class HasProducts extends Command
{
    protected $signature = 'shop:has-products';

    protected $description = 'Print "yes" when the products table has rows, else "no"';

    public function handle()
    {
        $this->line(DB::table('products')->exists() ? 'yes' : 'no');

        return 0;
    }
}

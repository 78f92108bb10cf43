<?php

namespace App\Console\Commands;

use App\Http\Controllers\AdminProductController;
use App\Jobs\SendOrderConfirmation;
use App\Models\Order;
use App\Models\User;
use App\Shop\PlaceOrder;
use Illuminate\Console\Command;
use Illuminate\Http\Request;
use Illuminate\Support\Facades\DB;
use Illuminate\Validation\ValidationException;

/**
 * Writes outbox rows through the shop's own code paths, for Offramp's relay tests: orders placed
 * with PlaceOrder (order placed + stock changed) and back-office price edits through
 * AdminProductController (price changed). Prints one JSON line with the counts.
 */
class SimulateShopTraffic extends Command
{
    protected $signature = 'shop:simulate
        {--orders=100 : orders to place}
        {--price-changes=0 : price edits, interleaved with the orders}
        {--products=20 : spread the traffic over the first N products with stock}
        {--seed=1 : random seed}
        {--dispatch-confirmations : after each order, dispatch SendOrderConfirmation as OrderController does}';

    protected $description = 'Place orders and edit prices through the app, recording outbox events (test traffic)';

    public function handle(PlaceOrder $placeOrder, AdminProductController $admin)
    {
        mt_srand((int) $this->option('seed'));
        $orders = max(0, (int) $this->option('orders'));
        $priceChanges = max(0, (int) $this->option('price-changes'));
        $productIds = DB::table('products')->where('stock', '>', 0)->orderBy('id')->limit(max(1, (int) $this->option('products')))->pluck('id')->all();
        $users = User::query()->orderBy('id')->limit(10)->get()->all();
        if (! $productIds || ! $users) {
            $this->error('No products with stock or no users: run php artisan shop:seed first.');

            return 1;
        }

        $placed = 0;
        $rejected = 0;
        $edited = 0;
        $total = $orders + $priceChanges;
        for ($i = 0; $i < $total; $i++) {
            $editNow = $edited < $priceChanges && ($placed + $rejected >= $orders || mt_rand(1, $total) <= $priceChanges);
            if ($editNow) {
                $id = $productIds[mt_rand(0, count($productIds) - 1)];
                $admin->update(Request::create("/api/admin/products/{$id}", 'PATCH', ['price_cents' => mt_rand(100, 99999)]), $id);
                $edited++;
                continue;
            }
            try {
                $order = $placeOrder($users[mt_rand(0, count($users) - 1)], [['product_id' => $productIds[mt_rand(0, count($productIds) - 1)], 'quantity' => 1]]);
                $placed++;
                if ($this->option('dispatch-confirmations')) {
                    SendOrderConfirmation::dispatch(Order::with('items')->findOrFail($order->id));
                }
            } catch (ValidationException $e) {
                $rejected++; // out of stock: no order, no outbox row
            }
        }

        $this->line(json_encode(['orders' => $placed, 'rejected' => $rejected, 'price_changes' => $edited]));

        return 0;
    }
}

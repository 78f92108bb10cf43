<?php

namespace App\Shop;

use App\Models\Order;
use App\Models\OrderItem;
use App\Models\User;
use App\Offramp\Outbox;
use Illuminate\Support\Facades\DB;
use Illuminate\Validation\ValidationException;

/**
 * Places an order in one transaction: stock is taken with conditional UPDATEs (the first
 * statement writes, so SQLite takes its write lock up front and concurrent buyers cannot
 * oversell on any database), the order and its items are inserted and the outbox rows
 * (order placed, stock changed) are recorded alongside.
 */
class PlaceOrder
{
    /**
     * @param  array<int,array{product_id:int,quantity:int}>  $lines
     */
    public function __invoke(User $user, array $lines): Order
    {
        // Merge duplicate product lines, keep the first-seen order for error keys.
        $wanted = [];
        $lineIndex = [];
        foreach (array_values($lines) as $i => $line) {
            $pid = (int) $line['product_id'];
            $wanted[$pid] = ($wanted[$pid] ?? 0) + (int) $line['quantity'];
            $lineIndex[$pid] ??= $i;
        }

        return DB::transaction(function () use ($user, $wanted, $lineIndex) {
            $errors = [];
            foreach ($wanted as $pid => $qty) {
                $updated = DB::table('products')
                    ->where('id', $pid)
                    ->where('stock', '>=', $qty)
                    ->update(['stock' => DB::raw('stock - '.(int) $qty), 'updated_at' => now()]);
                if ($updated !== 1) {
                    $errors["items.{$lineIndex[$pid]}.quantity"] = ["Insufficient stock for product {$pid}."];
                }
            }
            if ($errors) {
                throw ValidationException::withMessages($errors); // rolls the stock updates back
            }

            $products = DB::table('products')->whereIn('id', array_keys($wanted))->get()->keyBy('id');
            $currencies = $products->pluck('currency')->unique();
            if ($currencies->count() !== 1) {
                throw ValidationException::withMessages(['items' => ['All items of an order must have the same currency.']]);
            }

            $total = 0;
            foreach ($wanted as $pid => $qty) {
                $total += (int) $products[$pid]->price_cents * $qty;
            }

            $order = Order::create([
                'user_id' => $user->id,
                'status' => Order::PENDING,
                'total_cents' => $total,
                'currency' => $currencies->first(),
            ]);

            $itemsPayload = [];
            foreach ($wanted as $pid => $qty) {
                OrderItem::create([
                    'order_id' => $order->id,
                    'product_id' => $pid,
                    'quantity' => $qty,
                    'unit_price_cents' => (int) $products[$pid]->price_cents,
                ]);
                $itemsPayload[] = ['product_id' => $pid, 'quantity' => $qty, 'unit_price_cents' => (int) $products[$pid]->price_cents];
            }

            Outbox::record('order', $order->id, Outbox::ORDER_PLACED, [
                'order_id' => $order->id,
                'user_id' => (int) $user->id,
                'status' => Order::PENDING,
                'total_cents' => $total,
                'currency' => $order->currency,
                'items' => $itemsPayload,
                'placed_at' => $order->created_at->toIso8601ZuluString('microsecond'),
            ]);

            foreach ($wanted as $pid => $qty) {
                Outbox::record('product', $pid, Outbox::PRODUCT_STOCK_CHANGED, [
                    'product_id' => $pid,
                    'stock' => (int) $products[$pid]->stock,
                    'previous_stock' => (int) $products[$pid]->stock + $qty,
                    'delta' => -$qty,
                    'reason' => 'order_placed',
                    'order_id' => $order->id,
                ]);
            }

            return $order->load('items');
        });
    }
}

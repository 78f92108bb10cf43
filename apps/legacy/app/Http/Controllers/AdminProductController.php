<?php

namespace App\Http\Controllers;

use App\Models\Product;
use App\Offramp\Outbox;
use Illuminate\Http\Request;
use Illuminate\Support\Facades\DB;

/** PATCH /api/admin/products/{id} {"price_cents"?:int,"stock"?:int}: back-office edits. */
class AdminProductController extends Controller
{
    public function update(Request $request, int $id)
    {
        $data = $request->validate([
            'price_cents' => ['sometimes', 'required', 'integer', 'min:0', 'max:100000000'],
            'stock' => ['sometimes', 'required', 'integer', 'min:0', 'max:1000000'],
        ]);

        $product = DB::transaction(function () use ($id, $data) {
            // Write first: takes the row lock on MariaDB/PostgreSQL and SQLite's write lock up front
            // (a read-then-write SQLite transaction can fail when another process wrote meanwhile).
            Product::whereKey($id)->update(['updated_at' => now()]);
            $product = Product::findOrFail($id);
            $oldPrice = $product->price_cents;
            $oldStock = $product->stock;
            $product->fill($data)->save();

            if ($product->price_cents !== $oldPrice) {
                Outbox::record('product', $product->id, Outbox::PRODUCT_PRICE_CHANGED, [
                    'product_id' => $product->id,
                    'price_cents' => $product->price_cents,
                    'previous_price_cents' => $oldPrice,
                    'currency' => $product->currency,
                ]);
            }
            if ($product->stock !== $oldStock) {
                Outbox::record('product', $product->id, Outbox::PRODUCT_STOCK_CHANGED, [
                    'product_id' => $product->id,
                    'stock' => $product->stock,
                    'previous_stock' => $oldStock,
                    'delta' => $product->stock - $oldStock,
                    'reason' => 'admin_update',
                    'order_id' => null,
                ]);
            }

            return $product;
        });

        return response()->json($product->load('category:id,name,slug'));
    }
}

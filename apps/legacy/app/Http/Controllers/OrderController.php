<?php

namespace App\Http\Controllers;

use App\Jobs\SendOrderConfirmation;
use App\Models\Order;
use App\Shop\PlaceOrder;
use Illuminate\Http\Request;
use Illuminate\Support\Facades\Gate;

class OrderController extends Controller
{
    /**
     * POST /api/orders  {"items":[{"product_id":1,"quantity":2}]}
     * 201 with the order; 422 (Laravel's error shape) on invalid input or insufficient stock.
     */
    public function store(Request $request, PlaceOrder $placeOrder)
    {
        $data = $request->validate([
            'items' => ['required', 'array', 'min:1', 'max:'.config('shop.max_order_lines', 50)],
            'items.*' => ['required', 'array'],
            'items.*.product_id' => ['required', 'integer', 'exists:products,id'],
            'items.*.quantity' => ['required', 'integer', 'min:1', 'max:1000'],
        ]);

        // Re-read after the commit: the same JSON shape as GET /api/orders/{id}.
        $order = Order::with('items')->findOrFail($placeOrder($request->user(), $data['items'])->id);

        // After the commit: the job never refers to an order that was rolled back.
        SendOrderConfirmation::dispatch($order);

        return response()->json($order, 201)->header('Location', url("/api/orders/{$order->id}"));
    }

    /** GET /api/orders/{id}: the owner only (403 for anyone else). */
    public function show(int $id)
    {
        $order = Order::with('items')->findOrFail($id);
        Gate::authorize('view-order', $order);

        return response()->json($order);
    }
}

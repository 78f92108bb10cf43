<?php

namespace App\Http\Controllers;

use Illuminate\Http\Request;

class AccountController extends Controller
{
    /** GET /account/orders: the logged-in customer's orders, newest first. */
    public function orders(Request $request)
    {
        $orders = $request->user()->orders()
            ->with('items.product:id,name,sku')
            ->orderByDesc('id')
            ->paginate(20);

        return view('account.orders', ['orders' => $orders, 'user' => $request->user()]);
    }
}

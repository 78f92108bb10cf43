<?php

use App\Http\Controllers\AccountController;
use App\Http\Controllers\AdminProductController;
use App\Http\Controllers\AuthController;
use App\Http\Controllers\OrderController;
use App\Http\Controllers\ProductController;
use App\Http\Controllers\ReportController;
use App\Http\Controllers\ShippingController;
use App\Http\Controllers\WhoamiController;
use Illuminate\Support\Facades\Route;

Route::get('/', [ProductController::class, 'home'])->name('home');

// Session login (web guard)
Route::get('/login', [AuthController::class, 'showLogin'])->middleware('guest')->name('login');
Route::post('/login', [AuthController::class, 'login'])->middleware('guest');
Route::post('/logout', [AuthController::class, 'logout'])->middleware('auth')->name('logout');

// Remote-auth endpoint for the Offramp gateway: the logged-in user, or 401.
Route::get('/_offramp/whoami', WhoamiController::class)->name('offramp.whoami');

// Catalog pages
Route::get('/products', [ProductController::class, 'indexPage'])->name('products.page');
Route::get('/products/{id}', [ProductController::class, 'showPage'])->name('products.show.page');

// Account
Route::get('/account/orders', [AccountController::class, 'orders'])->middleware('auth')->name('account.orders');

// Reports (admins)
Route::get('/reports/sales.csv', [ReportController::class, 'salesCsv'])->middleware(['auth', 'admin'])->name('reports.sales');

// JSON API (session-authenticated, CSRF-protected like the rest of the web group)
Route::prefix('api')->middleware('json')->group(function () {
    Route::get('/products', [ProductController::class, 'index'])->name('api.products.index');
    Route::get('/products/{id}', [ProductController::class, 'show'])->name('api.products.show');

    Route::post('/orders', [OrderController::class, 'store'])->middleware('auth')->name('api.orders.store');
    Route::get('/orders/{id}', [OrderController::class, 'show'])->middleware('auth')->name('api.orders.show');

    Route::get('/shipping/quote', [ShippingController::class, 'quote'])->name('api.shipping.quote');

    Route::patch('/admin/products/{id}', [AdminProductController::class, 'update'])->middleware(['auth', 'admin'])->name('api.admin.products.update');
});

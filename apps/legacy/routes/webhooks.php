<?php

use App\Http\Controllers\PaymentWebhookController;
use Illuminate\Support\Facades\Route;

// Payment provider callbacks: no session, no CSRF; authenticated by the HMAC signature.
Route::post('/webhooks/payments', PaymentWebhookController::class)->name('webhooks.payments');

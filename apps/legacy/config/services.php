<?php

return [
    'payments' => [
        'webhook_secret' => env('PAYMENT_WEBHOOK_SECRET'),
        'webhook_tolerance' => (int) env('PAYMENT_WEBHOOK_TOLERANCE', 300),
    ],
    'carrier' => [
        'base_url' => env('CARRIER_BASE_URL', 'http://127.0.0.1:9400'),
        'timeout_ms' => (int) env('CARRIER_TIMEOUT_MS', 2000),
    ],
];

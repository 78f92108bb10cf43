<?php

return [
    'currency' => env('SHOP_CURRENCY', 'USD'),
    'per_page' => 15,
    'max_per_page' => 100,
    'max_order_lines' => 50,
];

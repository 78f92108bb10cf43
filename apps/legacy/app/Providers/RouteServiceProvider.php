<?php

namespace App\Providers;

use Illuminate\Foundation\Support\Providers\RouteServiceProvider as ServiceProvider;
use Illuminate\Support\Facades\Route;

class RouteServiceProvider extends ServiceProvider
{
    public const HOME = '/account/orders';

    public function boot()
    {
        Route::pattern('id', '[0-9]+');

        $this->routes(function () {
            Route::middleware('web')->group(base_path('routes/web.php'));
            Route::middleware('webhook')->group(base_path('routes/webhooks.php'));
        });
    }
}

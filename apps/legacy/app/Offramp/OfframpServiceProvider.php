<?php

namespace App\Offramp;

use Illuminate\Bus\Dispatcher;
use Illuminate\Contracts\Queue\Factory as QueueFactory;
use Illuminate\Support\ServiceProvider;

/**
 * Registers the Offramp bridge: taken-over job classes go to the Offramp queue.
 * Add to config/app.php providers, next to config/offramp.php.
 */
class OfframpServiceProvider extends ServiceProvider
{
    public function register()
    {
        $this->app->extend(Dispatcher::class, function (Dispatcher $original, $app) {
            return new OfframpDispatcher($app, function ($connection = null) use ($app) {
                return $app[QueueFactory::class]->connection($connection);
            });
        });
    }
}

<?php

namespace App\Offramp;

use Illuminate\Bus\Dispatcher;

/**
 * Laravel's bus dispatcher, except that job classes taken over by Offramp are queued onto the
 * Offramp queue (config offramp.queue, default `offramp`). The job and its payload stay exactly
 * Laravel's own; only the queue (and optionally the connection) is chosen here.
 */
class OfframpDispatcher extends Dispatcher
{
    public function dispatchToQueue($command)
    {
        $config = $this->container->make('config');

        if (in_array(get_class($command), (array) $config->get('offramp.taken_over_jobs', []), true)) {
            if (method_exists($command, 'onQueue')) {
                $command->onQueue($config->get('offramp.queue', 'offramp'));
            }
            if (($connection = $config->get('offramp.queue_connection')) && method_exists($command, 'onConnection')) {
                $command->onConnection($connection);
            }
        }

        return parent::dispatchToQueue($command);
    }
}

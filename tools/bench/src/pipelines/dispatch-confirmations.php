<?php
// Dispatches App\Jobs\SendOrderConfirmation for orders with Laravel's own code, as OrderController
// does (the OfframpDispatcher queues it onto the offramp queue of QUEUE_CONNECTION). Run in
// apps/legacy: php dispatch-confirmations.php <count> <skip> <pace ms>; prints "<order id> <ms>"
// per dispatch, the wall clock right after the job was queued.
require getcwd().'/bootstrap/autoload.php';
$app = require getcwd().'/bootstrap/app.php';
$app->make(Illuminate\Contracts\Console\Kernel::class)->bootstrap();

[, $count, $skip, $paceMs] = $argv + [null, 10000, 0, 0];
$ids = App\Models\Order::query()->orderBy('id')->skip((int) $skip)->limit((int) $count)->pluck('id');
foreach ($ids as $id) {
    App\Jobs\SendOrderConfirmation::dispatch(App\Models\Order::with('items')->findOrFail($id));
    echo $id, ' ', sprintf('%.3f', microtime(true) * 1000), "\n";
    if ($paceMs > 0) {
        usleep((int) ($paceMs * 1000));
    }
}

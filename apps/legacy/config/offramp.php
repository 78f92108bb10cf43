<?php

/*
 * The PHP side of the Offramp bridge (see app/Offramp/ and README.md).
 */

$takenOver = env('OFFRAMP_TAKEN_OVER_JOBS');

return [
    // Queue that Offramp's Laravel-queue bridge drains into JetStream.
    'queue' => env('OFFRAMP_QUEUE', 'offramp'),

    // Queue connection for taken-over jobs (null: the default QUEUE_CONNECTION).
    'queue_connection' => env('OFFRAMP_QUEUE_CONNECTION'),

    // Job classes whose handlers now run in Offramp: dispatched, unchanged, onto `queue`.
    // Env: comma-separated class names; an empty string means none.
    'taken_over_jobs' => $takenOver === null
        ? [App\Jobs\SendOrderConfirmation::class, App\Jobs\RecalculateProductPopularity::class]
        : array_values(array_filter(array_map('trim', explode(',', (string) $takenOver)))),

    // Whether this app's scheduler still queues the hourly RecalculateProductPopularity. Set
    // OFFRAMP_PHP_SCHEDULES_POPULARITY=false once Offramp's pipelines schedule it (one runner).
    'php_schedules_popularity' => (bool) env('OFFRAMP_PHP_SCHEDULES_POPULARITY', true),

    // The transactional outbox table.
    'outbox_table' => env('OFFRAMP_OUTBOX_TABLE', 'offramp_outbox'),
];

<?php

return [
    // log (default: mails are written to the log) | smtp | array
    'default' => env('MAIL_MAILER', 'log'),
    'mailers' => [
        'smtp' => [
            'transport' => 'smtp',
            'host' => env('MAIL_HOST', '127.0.0.1'),
            'port' => env('MAIL_PORT', 1025),
            'encryption' => env('MAIL_ENCRYPTION'),
            'username' => env('MAIL_USERNAME'),
            'password' => env('MAIL_PASSWORD'),
            'timeout' => null,
            // Swift Mailer writes a message's body and its final dot in two writes: with Nagle on, the
            // second waits for the server's (delayed) ACK of the first, 40 ms a mail on some TCP stacks.
            'stream' => ['socket' => ['tcp_nodelay' => (bool) env('MAIL_TCP_NODELAY', false)]],
        ],
        'log' => ['transport' => 'log', 'channel' => env('MAIL_LOG_CHANNEL')],
        'array' => ['transport' => 'array'],
    ],
    'from' => [
        'address' => env('MAIL_FROM_ADDRESS', 'shop@example.test'),
        'name' => env('MAIL_FROM_NAME', 'Offramp Shop'),
    ],
];

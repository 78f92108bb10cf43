<?php

namespace Tests\Feature;

use App\Jobs\RecalculateProductPopularity;
use Illuminate\Support\Facades\Redis;
use Tests\TestCase;

/** QUEUE_CONNECTION=redis: taken-over jobs land on the Offramp queue's Redis list. */
class RedisQueueTest extends TestCase
{
    public function test_redis_driver_uses_the_offramp_queue(): void
    {
        $c = @fsockopen(env('REDIS_HOST', '127.0.0.1'), (int) env('REDIS_PORT', 6379), $errno, $errstr, 0.5);
        if (! $c) {
            $this->markTestSkipped("no Redis on 127.0.0.1:6379 ({$errstr})");
        }
        fclose($c);

        $queue = 'offramp_test_'.bin2hex(random_bytes(4));
        config(['queue.default' => 'redis', 'offramp.queue' => $queue]);
        try {
            RecalculateProductPopularity::dispatch();
            $this->assertSame(1, Redis::connection()->llen("queues:{$queue}"));
            $payload = json_decode(Redis::connection()->lindex("queues:{$queue}", 0), true);
            $this->assertSame(RecalculateProductPopularity::class, $payload['displayName']);
            $this->assertSame(0, $payload['attempts']);
        } finally {
            Redis::connection()->del("queues:{$queue}");
        }
    }
}

<?php

namespace Tests\Feature;

use App\Jobs\RecalculateProductPopularity;
use App\Jobs\SendOrderConfirmation;
use Illuminate\Console\Scheduling\Schedule;
use Illuminate\Support\Facades\Artisan;
use Illuminate\Support\Facades\DB;
use Illuminate\Support\Facades\Mail;
use Tests\TestCase;

class QueueTest extends TestCase
{
    private function lastJob(): object
    {
        return DB::table('jobs')->orderByDesc('id')->first();
    }

    public function test_taken_over_jobs_go_to_the_offramp_queue_others_do_not(): void
    {
        $this->assertSame('offramp', config('offramp.queue'));
        RecalculateProductPopularity::dispatch();
        $this->assertSame('offramp', $this->lastJob()->queue);

        // a job class that is not taken over keeps its own queue
        config(['offramp.taken_over_jobs' => [SendOrderConfirmation::class]]);
        RecalculateProductPopularity::dispatch()->onQueue('reports');
        $this->assertSame('reports', $this->lastJob()->queue);
        RecalculateProductPopularity::dispatch();
        $this->assertSame('default', $this->lastJob()->queue);

        config(['offramp.taken_over_jobs' => [RecalculateProductPopularity::class], 'offramp.queue' => 'bridge']);
        RecalculateProductPopularity::dispatch()->onQueue('reports');
        $this->assertSame('bridge', $this->lastJob()->queue);
    }

    public function test_payload_is_laravels_standard_one(): void
    {
        RecalculateProductPopularity::dispatch();
        $job = $this->lastJob();
        $payload = json_decode($job->payload, true);
        foreach (['uuid', 'displayName', 'job', 'maxTries', 'maxExceptions', 'failOnTimeout', 'backoff', 'timeout', 'retryUntil', 'data'] as $key) {
            $this->assertArrayHasKey($key, $payload);
        }
        $this->assertSame(RecalculateProductPopularity::class, $payload['data']['commandName']);
        $this->assertInstanceOf(RecalculateProductPopularity::class, unserialize($payload['data']['command']));
        $this->assertSame(0, (int) $job->attempts);
        $this->assertNull($job->reserved_at);
    }

    public function test_a_php_worker_still_runs_the_confirmation_job(): void
    {
        $user = $this->makeUser(['email' => 'mailme@example.test']);
        $p = $this->makeProduct(['name' => 'Queued Teapot', 'price_cents' => 1234]);
        DB::table('jobs')->delete();
        $order = $this->placeOrder($user, [['product_id' => $p->id, 'quantity' => 2]]);
        $this->assertSame(1, DB::table('jobs')->where('queue', 'offramp')->count());

        Artisan::call('queue:work', ['connection' => 'database', '--queue' => 'offramp', '--once' => true]);
        $this->assertSame(0, DB::table('jobs')->count());
        $this->assertSame(0, DB::table('failed_jobs')->count());

        $sent = app('mailer')->getSwiftMailer()->getTransport()->messages();
        $this->assertCount(1, $sent);
        $message = $sent[0];
        $this->assertSame(['mailme@example.test'], array_keys($message->getTo()));
        $this->assertSame("Order #{$order->id} confirmed", $message->getSubject());
        $this->assertStringContainsString('2 x Queued Teapot @ USD 12.34', $message->getBody());
        $this->assertStringContainsString('Total: USD 24.68', $message->getBody());
    }

    public function test_popularity_is_recalculated_from_order_items(): void
    {
        $p = $this->makeProduct(['stock' => 50]);
        $this->placeOrder($this->customer(), [['product_id' => $p->id, 'quantity' => 3]]);
        $this->placeOrder($this->makeUser(), [['product_id' => $p->id, 'quantity' => 4]]);
        (new RecalculateProductPopularity())->handle();
        $this->assertSame(7, $p->fresh()->popularity);
        $expected = DB::table('order_items')->where('product_id', 1)->sum('quantity');
        $this->assertSame((int) $expected, (int) DB::table('products')->where('id', 1)->value('popularity'));
    }

    public function test_popularity_job_is_scheduled_hourly_onto_the_offramp_queue(): void
    {
        $events = app(Schedule::class)->events();
        $this->assertCount(1, $events);
        $this->assertSame('0 * * * *', $events[0]->expression);
        $this->assertSame('recalculate-product-popularity', $events[0]->description);

        DB::table('jobs')->delete();
        $events[0]->run($this->app);
        $job = $this->lastJob();
        $this->assertSame('offramp', $job->queue);
        $this->assertSame(RecalculateProductPopularity::class, json_decode($job->payload, true)['displayName']);
    }

    public function test_the_popularity_schedule_is_switched_off_by_config_when_offramp_runs_it(): void
    {
        $kernel = $this->app->make(\Illuminate\Contracts\Console\Kernel::class);
        $define = new \ReflectionMethod($kernel, 'schedule');
        $define->setAccessible(true);

        config(['offramp.php_schedules_popularity' => false]);
        $define->invoke($kernel, $off = new Schedule());
        $this->assertCount(0, $off->events());

        config(['offramp.php_schedules_popularity' => true]);
        $define->invoke($kernel, $on = new Schedule());
        $this->assertCount(1, $on->events());
    }
}

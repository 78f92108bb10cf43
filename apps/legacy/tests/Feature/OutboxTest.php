<?php

namespace Tests\Feature;

use App\Offramp\Outbox;
use Illuminate\Support\Facades\DB;
use LogicException;
use Tests\TestCase;

class OutboxTest extends TestCase
{
    public function test_refuses_to_record_outside_a_transaction(): void
    {
        $this->expectException(LogicException::class);
        Outbox::record('order', 1, Outbox::ORDER_PLACED, []);
    }

    public function test_rejects_event_types_that_are_not_subjects(): void
    {
        $this->expectException(LogicException::class);
        DB::transaction(fn () => Outbox::record('order', 1, 'Order Placed', []));
    }

    public function test_row_is_written_with_the_transaction_and_gone_with_its_rollback(): void
    {
        $id = DB::transaction(fn () => Outbox::record('order', 'ab-1', 'shop.orders.placed.v1', ['x' => 1, 'url' => 'a/b', 'name' => 'Zoë']));
        $row = DB::table('offramp_outbox')->where('event_id', $id)->first();
        $this->assertSame('ab-1', $row->aggregate_id);
        $this->assertSame('{"x":1,"url":"a/b","name":"Zoë"}', $row->payload);
        $this->assertNull($row->published_at);
        $this->assertNull($row->last_error);

        try {
            DB::transaction(function () {
                Outbox::record('order', 'rolled-back', 'shop.orders.placed.v1', []);
                throw new \RuntimeException('boom');
            });
        } catch (\RuntimeException) {
        }
        $this->assertSame(0, DB::table('offramp_outbox')->where('aggregate_id', 'rolled-back')->count());
    }

    public function test_row_carries_the_traceparent_of_the_request_it_was_recorded_in(): void
    {
        $traceparent = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';
        $this->app->instance('request', \Illuminate\Http\Request::create('/orders', 'POST', server: ['HTTP_TRACEPARENT' => $traceparent, 'HTTP_TRACESTATE' => 'vendor=1']));
        $id = DB::transaction(fn () => Outbox::record('order', 'traced', Outbox::ORDER_PLACED, []));
        $row = DB::table('offramp_outbox')->where('event_id', $id)->first();
        $this->assertSame(['traceparent' => $traceparent, 'tracestate' => 'vendor=1'], json_decode($row->trace_context, true));
    }

    public function test_a_malformed_or_missing_traceparent_leaves_the_trace_context_empty(): void
    {
        foreach (['', 'not-a-traceparent', '00-00000000000000000000000000000000-00f067aa0ba902b7-01', 'ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01'] as $i => $value) {
            $this->app->instance('request', \Illuminate\Http\Request::create('/orders', 'POST', server: $value === '' ? [] : ['HTTP_TRACEPARENT' => $value]));
            $id = DB::transaction(fn () => Outbox::record('order', "untraced-{$i}", Outbox::ORDER_PLACED, []));
            $this->assertNull(DB::table('offramp_outbox')->where('event_id', $id)->value('trace_context'), $value);
        }
    }

    public function test_ids_increase_in_commit_order_and_timestamps_are_utc_microseconds(): void
    {
        $ids = [];
        foreach (range(1, 3) as $i) {
            DB::transaction(fn () => Outbox::record('product', 'seq', 'shop.products.price_changed.v1', ['i' => $i]));
        }
        $rows = $this->outboxRows('product', 'seq');
        $this->assertCount(3, $rows);
        $this->assertSame([1, 2, 3], array_map(fn ($r) => json_decode($r->payload)->i, $rows));
        $this->assertTrue($rows[0]->id < $rows[1]->id && $rows[1]->id < $rows[2]->id);
        $this->assertTrue(strcmp((string) $rows[0]->occurred_at, (string) $rows[2]->occurred_at) <= 0);
        // microseconds are kept (PostgreSQL prints them without trailing zeros)
        $fractions = array_map(fn ($r) => preg_match('/\.(\d{1,6})$/', (string) $r->occurred_at, $m) ? (int) str_pad($m[1], 6, '0') : 0, $rows);
        $this->assertNotSame([0, 0, 0], $fractions);
        $t = new \DateTimeImmutable((string) $rows[0]->occurred_at, new \DateTimeZone('UTC'));
        $this->assertLessThan(5, abs(time() - $t->getTimestamp()), 'occurred_at is UTC now');
    }

    public function test_recorder_has_no_dependency_on_the_shop(): void
    {
        $source = file_get_contents(app_path('Offramp/Outbox.php'));
        $this->assertDoesNotMatchRegularExpression('/App\\\\(Models|Shop|Http|Jobs)/', $source);
        $this->assertDoesNotMatchRegularExpression('/App\\\\(Models|Shop|Http|Jobs)/', file_get_contents(app_path('Offramp/OfframpDispatcher.php')));
    }
}

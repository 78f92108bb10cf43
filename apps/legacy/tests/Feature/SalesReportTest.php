<?php

namespace Tests\Feature;

use Illuminate\Support\Facades\DB;
use Tests\TestCase;

class SalesReportTest extends TestCase
{
    public function test_admins_only(): void
    {
        $this->get('/reports/sales.csv')->assertRedirect('/login');
        $this->actingAs($this->customer())->get('/reports/sales.csv')->assertStatus(403);
    }

    public function test_csv_is_computed_from_paid_orders(): void
    {
        // an order paid today, through the webhook
        $p = $this->makeProduct(['price_cents' => 1001]);
        $order = $this->placeOrder($this->customer(), [['product_id' => $p->id, 'quantity' => 3]]);
        $this->signedWebhook(['id' => 'evt_report_'.$order->id, 'type' => 'payment.succeeded', 'data' => ['order_id' => $order->id, 'amount_cents' => 3003]])->assertOk();

        $res = $this->actingAs($this->admin())->get('/reports/sales.csv');
        $res->assertOk()->assertHeader('Content-Type', 'text/csv; charset=UTF-8')->assertHeader('Content-Disposition', 'attachment; filename="sales.csv"');
        $lines = explode("\n", trim($res->getContent()));
        $this->assertSame('date,orders,items,revenue_cents,currency', array_shift($lines));

        // expected, computed independently with plain SQL rows
        $expected = [];
        $rows = DB::select("SELECT o.id, o.paid_at, o.total_cents, o.currency, (SELECT SUM(quantity) FROM order_items i WHERE i.order_id = o.id) AS items FROM orders o WHERE o.status = 'paid'");
        foreach ($rows as $r) {
            $key = substr((string) $r->paid_at, 0, 10).','.$r->currency;
            $expected[$key] ??= [0, 0, 0];
            $expected[$key][0]++;
            $expected[$key][1] += (int) $r->items;
            $expected[$key][2] += (int) $r->total_cents;
        }
        ksort($expected);
        $want = [];
        foreach ($expected as $key => [$n, $items, $rev]) {
            [$date, $cur] = explode(',', $key);
            $want[] = "{$date},{$n},{$items},{$rev},{$cur}";
        }
        $this->assertSame($want, $lines);
        $this->assertGreaterThan(10, count($lines), 'seeded paid orders span many days');

        $today = gmdate('Y-m-d');
        $todayLine = array_values(array_filter($lines, fn ($l) => str_starts_with($l, $today)));
        $this->assertCount(1, $todayLine);

        // date filter
        $only = explode("\n", trim($this->actingAs($this->admin())->get("/reports/sales.csv?from={$today}&to={$today}")->getContent()));
        $this->assertSame(['date,orders,items,revenue_cents,currency', $todayLine[0]], $only);
        $this->actingAs($this->admin())->get('/reports/sales.csv?from=yesterday')->assertStatus(302);
    }
}

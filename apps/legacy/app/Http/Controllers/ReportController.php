<?php

namespace App\Http\Controllers;

use App\Models\Order;
use Illuminate\Http\Request;

class ReportController extends Controller
{
    /**
     * GET /reports/sales.csv?from=YYYY-MM-DD&to=YYYY-MM-DD (admins)
     * Computed on the fly from paid orders, one row per UTC day of paid_at:
     *   date,orders,items,revenue_cents,currency
     */
    public function salesCsv(Request $request)
    {
        $params = $request->validate([
            'from' => ['nullable', 'date_format:Y-m-d'],
            'to' => ['nullable', 'date_format:Y-m-d'],
        ]);

        $rows = [];
        $query = Order::query()->where('status', Order::PAID)->withSum('items as items_count', 'quantity');
        if (isset($params['from'])) {
            $query->where('paid_at', '>=', $params['from'].' 00:00:00');
        }
        if (isset($params['to'])) {
            $query->where('paid_at', '<=', $params['to'].' 23:59:59');
        }

        // Legacy style: walk every order in PHP.
        $query->orderBy('id')->chunk(1000, function ($orders) use (&$rows) {
            foreach ($orders as $order) {
                $key = $order->paid_at->copy()->utc()->format('Y-m-d').'|'.$order->currency;
                $rows[$key] ??= ['orders' => 0, 'items' => 0, 'revenue_cents' => 0];
                $rows[$key]['orders']++;
                $rows[$key]['items'] += (int) $order->items_count;
                $rows[$key]['revenue_cents'] += (int) $order->total_cents;
            }
        });
        ksort($rows, SORT_STRING);

        $csv = "date,orders,items,revenue_cents,currency\n";
        foreach ($rows as $key => $r) {
            [$date, $currency] = explode('|', $key);
            $csv .= "{$date},{$r['orders']},{$r['items']},{$r['revenue_cents']},{$currency}\n";
        }

        return response($csv, 200, [
            'Content-Type' => 'text/csv; charset=UTF-8',
            'Content-Disposition' => 'attachment; filename="sales.csv"',
        ]);
    }
}

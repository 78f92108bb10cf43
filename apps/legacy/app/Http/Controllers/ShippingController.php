<?php

namespace App\Http\Controllers;

use App\Shop\CarrierClient;
use App\Shop\CarrierException;
use Illuminate\Http\Request;

class ShippingController extends Controller
{
    /**
     * GET /api/shipping/quote?zip=12345&weight=1200 (weight in grams)
     * 200 {"zip":"12345","weight_grams":1200,"currency":"USD","rates":[…]}
     * 422 invalid input; 504 carrier timeout (CARRIER_TIMEOUT_MS); 502 carrier error.
     */
    public function quote(Request $request)
    {
        $data = $request->validate([
            'zip' => ['required', 'string', 'regex:/^[A-Za-z0-9 -]{3,10}$/'],
            'weight' => ['required', 'integer', 'min:1', 'max:70000'],
        ]);

        try {
            $quote = CarrierClient::fromConfig()->rates($data['zip'], (int) $data['weight']);
        } catch (CarrierException $e) {
            return response()->json(['message' => $e->getMessage(), 'error' => 'carrier_'.$e->kind], $e->kind === 'timeout' ? 504 : 502);
        }

        $rates = array_map(static fn ($r) => [
            'service' => (string) ($r['service'] ?? ''),
            'amount_cents' => (int) ($r['amount_cents'] ?? 0),
            'days' => isset($r['days']) ? (int) $r['days'] : null,
        ], $quote['rates']);

        return response()->json([
            'zip' => $data['zip'],
            'weight_grams' => (int) $data['weight'],
            'currency' => (string) ($quote['currency'] ?? config('shop.currency')),
            'rates' => $rates,
        ]);
    }
}

<?php

namespace App\Shop;


/**
 * HTTP client of the shipping carrier's rate API (ext-curl; Debian's Laravel has no Guzzle).
 *   GET {CARRIER_BASE_URL}/rates?zip=<zip>&weight_grams=<g>
 *   200 {"currency":"USD","rates":[{"service":"ground","amount_cents":599,"days":5}, ...]}
 */
class CarrierClient
{
    public function __construct(private string $baseUrl, private int $timeoutMs)
    {
    }

    public static function fromConfig(): self
    {
        return new self((string) config('services.carrier.base_url'), (int) config('services.carrier.timeout_ms', 2000));
    }

    /** @throws CarrierException */
    public function rates(string $zip, int $weightGrams): array
    {
        $url = rtrim($this->baseUrl, '/').'/rates?'.http_build_query(['zip' => $zip, 'weight_grams' => $weightGrams]);
        $ch = curl_init($url);
        curl_setopt_array($ch, [
            CURLOPT_RETURNTRANSFER => true,
            CURLOPT_TIMEOUT_MS => max(1, $this->timeoutMs),
            CURLOPT_CONNECTTIMEOUT_MS => max(1, $this->timeoutMs),
            CURLOPT_NOSIGNAL => true,
            CURLOPT_HTTPHEADER => ['Accept: application/json'],
        ]);
        $body = curl_exec($ch);
        $errno = curl_errno($ch);
        $status = (int) curl_getinfo($ch, CURLINFO_RESPONSE_CODE);
        $error = curl_error($ch);
        curl_close($ch);

        if ($errno === CURLE_OPERATION_TIMEDOUT) {
            throw new CarrierException('timeout', "Carrier did not answer within {$this->timeoutMs} ms.");
        }
        if ($errno !== 0) {
            throw new CarrierException('unavailable', 'Carrier unreachable: '.$error);
        }
        if ($status < 200 || $status >= 300) {
            throw new CarrierException('bad_response', "Carrier answered HTTP {$status}.");
        }
        $data = json_decode((string) $body, true);
        if (! is_array($data) || ! isset($data['rates']) || ! is_array($data['rates'])) {
            throw new CarrierException('bad_response', 'Carrier answered an unexpected body.');
        }

        return $data;
    }
}

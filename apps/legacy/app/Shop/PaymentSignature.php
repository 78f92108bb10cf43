<?php

namespace App\Shop;

/**
 * Payment-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<raw body>")>
 * Several v1= entries may be present (secret rotation); one match is enough.
 */
final class PaymentSignature
{
    public const OK = 'ok';
    public const MISSING = 'missing';
    public const MISMATCH = 'mismatch';
    public const EXPIRED = 'expired';

    public static function sign(string $secret, string $body, int $timestamp): string
    {
        return 't='.$timestamp.',v1='.hash_hmac('sha256', $timestamp.'.'.$body, $secret);
    }

    /** Signature first, then the replay window: a forged header never learns about the clock. */
    public static function verify(?string $header, string $body, string $secret, int $toleranceSeconds, ?int $now = null): string
    {
        if ($header === null || $header === '' || $secret === '') {
            return self::MISSING;
        }
        $timestamp = null;
        $signatures = [];
        foreach (explode(',', $header) as $part) {
            [$key, $value] = array_pad(explode('=', trim($part), 2), 2, '');
            if ($key === 't' && ctype_digit($value)) {
                $timestamp = (int) $value;
            } elseif ($key === 'v1' && $value !== '') {
                $signatures[] = strtolower($value);
            }
        }
        if ($timestamp === null || $signatures === []) {
            return self::MISSING;
        }

        $expected = hash_hmac('sha256', $timestamp.'.'.$body, $secret);
        $matched = false;
        foreach ($signatures as $signature) {
            $matched = hash_equals($expected, $signature) || $matched;
        }
        if (! $matched) {
            return self::MISMATCH;
        }

        return abs(($now ?? time()) - $timestamp) > $toleranceSeconds ? self::EXPIRED : self::OK;
    }
}

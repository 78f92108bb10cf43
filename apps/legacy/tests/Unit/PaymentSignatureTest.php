<?php

namespace Tests\Unit;

use App\Shop\PaymentSignature;
use PHPUnit\Framework\TestCase;

class PaymentSignatureTest extends TestCase
{
    private const S = 'whsec_unit';

    public function test_header_format_is_hmac_sha256_over_timestamp_dot_body(): void
    {
        $body = '{"id":"evt_1"}';
        $this->assertSame('t=1700000000,v1='.hash_hmac('sha256', '1700000000.'.$body, self::S), PaymentSignature::sign(self::S, $body, 1700000000));
    }

    public function test_verify(): void
    {
        $now = 1700000000;
        $body = '{"a":1}';
        $ok = PaymentSignature::sign(self::S, $body, $now - 10);
        $this->assertSame(PaymentSignature::OK, PaymentSignature::verify($ok, $body, self::S, 300, $now));
        $this->assertSame(PaymentSignature::MISMATCH, PaymentSignature::verify($ok, $body.' ', self::S, 300, $now));
        $this->assertSame(PaymentSignature::MISMATCH, PaymentSignature::verify($ok, $body, 'other', 300, $now));
        $this->assertSame(PaymentSignature::MISSING, PaymentSignature::verify(null, $body, self::S, 300, $now));
        $this->assertSame(PaymentSignature::MISSING, PaymentSignature::verify('v1=abc', $body, self::S, 300, $now));
        $this->assertSame(PaymentSignature::MISSING, PaymentSignature::verify('t=abc,v1=abc', $body, self::S, 300, $now));
        // old and future timestamps, correctly signed
        $this->assertSame(PaymentSignature::EXPIRED, PaymentSignature::verify(PaymentSignature::sign(self::S, $body, $now - 301), $body, self::S, 300, $now));
        $this->assertSame(PaymentSignature::EXPIRED, PaymentSignature::verify(PaymentSignature::sign(self::S, $body, $now + 301), $body, self::S, 300, $now));
        $this->assertSame(PaymentSignature::OK, PaymentSignature::verify(PaymentSignature::sign(self::S, $body, $now - 300), $body, self::S, 300, $now));
        // a forged signature on an old timestamp is a bad signature, not an expired one
        $this->assertSame(PaymentSignature::MISMATCH, PaymentSignature::verify('t='.($now - 1000).',v1=00', $body, self::S, 300, $now));
        // secret rotation: any v1 may match
        $rotated = 't='.$now.',v1=deadbeef,v1='.hash_hmac('sha256', $now.'.'.$body, self::S);
        $this->assertSame(PaymentSignature::OK, PaymentSignature::verify($rotated, $body, self::S, 300, $now));
    }
}

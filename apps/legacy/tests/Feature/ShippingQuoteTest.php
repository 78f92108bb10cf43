<?php

namespace Tests\Feature;

use Tests\Support\PhpServer;
use Tests\TestCase;

/** The carrier is a real HTTP server on loopback (tests/fixtures/carrier.php under php -S). */
class ShippingQuoteTest extends TestCase
{
    private static ?PhpServer $carrier = null;

    public static function setUpBeforeClass(): void
    {
        self::$carrier = PhpServer::start(__DIR__.'/../fixtures', __DIR__.'/../fixtures/carrier.php', [], 2);
    }

    public static function tearDownAfterClass(): void
    {
        $pid = self::$carrier?->pid;
        self::$carrier?->stop();
        self::$carrier = null;
        if ($pid) {
            // stopped by pid, workers included
            usleep(100000);
            foreach (array_merge([$pid], PhpServer::descendants($pid)) as $p) {
                if (@posix_kill($p, 0) && ! str_contains((string) @file_get_contents("/proc/{$p}/stat"), ') Z ')) {
                    throw new \RuntimeException("carrier process {$p} still running");
                }
            }
        }
    }

    protected function setUp(): void
    {
        parent::setUp();
        config(['services.carrier.base_url' => self::$carrier->url(), 'services.carrier.timeout_ms' => 500]);
    }

    public function test_quote_from_the_carrier(): void
    {
        $this->getJson('/api/shipping/quote?zip=10115&weight=1200')->assertOk()->assertExactJson([
            'zip' => '10115',
            'weight_grams' => 1200,
            'currency' => 'USD',
            'rates' => [
                ['service' => 'ground', 'amount_cents' => 699, 'days' => 5],
                ['service' => 'express', 'amount_cents' => 1399, 'days' => 1],
            ],
        ]);
    }

    public function test_carrier_timeout_is_504_within_the_configured_time(): void
    {
        $t = microtime(true);
        $this->getJson('/api/shipping/quote?zip=00000&weight=100')->assertStatus(504)->assertJsonPath('error', 'carrier_timeout');
        $this->assertLessThan(2.0, microtime(true) - $t, 'CARRIER_TIMEOUT_MS bounds the wait');
    }

    public function test_carrier_errors_are_502(): void
    {
        $this->getJson('/api/shipping/quote?zip=99999&weight=100')->assertStatus(502)->assertJsonPath('error', 'carrier_bad_response');
        $this->getJson('/api/shipping/quote?zip=88888&weight=100')->assertStatus(502)->assertJsonPath('error', 'carrier_bad_response');
        config(['services.carrier.base_url' => 'http://127.0.0.1:'.PhpServer::freePort()]);
        $this->getJson('/api/shipping/quote?zip=10115&weight=100')->assertStatus(502)->assertJsonPath('error', 'carrier_unavailable');
    }

    public function test_invalid_input_is_422(): void
    {
        $this->getJson('/api/shipping/quote?zip=1&weight=-5')->assertStatus(422)->assertJsonValidationErrors(['zip', 'weight']);
        $this->getJson('/api/shipping/quote')->assertStatus(422)->assertJsonValidationErrors(['zip', 'weight']);
    }
}

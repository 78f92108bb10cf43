<?php

namespace App\Http\Middleware;

use Illuminate\Http\Middleware\TrustProxies as Middleware;
use Illuminate\Http\Request;

/**
 * The Offramp gateway sits in front: trust its X-Forwarded-* headers so generated URLs
 * (paginator links, redirects) carry the public host and scheme. TRUSTED_PROXIES: comma list
 * or "*" (default: loopback).
 */
class TrustProxies extends Middleware
{
    protected $headers = Request::HEADER_X_FORWARDED_FOR | Request::HEADER_X_FORWARDED_HOST | Request::HEADER_X_FORWARDED_PORT | Request::HEADER_X_FORWARDED_PROTO;

    public function __construct()
    {
        $proxies = env('TRUSTED_PROXIES', '127.0.0.1,::1');
        $this->proxies = $proxies === '*' ? '*' : array_values(array_filter(array_map('trim', explode(',', (string) $proxies))));
    }
}

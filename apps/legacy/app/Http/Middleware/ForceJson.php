<?php

namespace App\Http\Middleware;

use Closure;
use Illuminate\Http\Request;

/** /api/* always answers JSON (errors included), whatever the client's Accept header says. */
class ForceJson
{
    public function handle(Request $request, Closure $next)
    {
        $request->headers->set('Accept', 'application/json');

        return $next($request);
    }
}

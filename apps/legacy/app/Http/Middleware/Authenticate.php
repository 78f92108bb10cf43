<?php

namespace App\Http\Middleware;

use Illuminate\Auth\Middleware\Authenticate as Middleware;

class Authenticate extends Middleware
{
    protected function redirectTo($request)
    {
        if ($request->expectsJson() || $request->is('api/*', '_offramp/*')) {
            return null; // 401 JSON, rendered by the exception handler
        }

        return route('login');
    }
}

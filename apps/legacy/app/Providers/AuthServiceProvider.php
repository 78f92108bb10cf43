<?php

namespace App\Providers;

use App\Models\Order;
use App\Models\User;
use Illuminate\Foundation\Support\Providers\AuthServiceProvider as ServiceProvider;
use Illuminate\Support\Facades\Gate;

class AuthServiceProvider extends ServiceProvider
{
    protected $policies = [];

    public function boot()
    {
        $this->registerPolicies();

        Gate::define('view-order', fn (User $user, Order $order) => (int) $order->user_id === (int) $user->id);
        Gate::define('view-reports', fn (User $user) => (bool) $user->is_admin);
    }
}

<!DOCTYPE html>
<html lang="en">
<head>
    <meta charset="utf-8">
    <meta name="csrf-token" content="{{ csrf_token() }}">
    <title>@yield('title', 'Shop') · {{ config('app.name') }}</title>
    <style>
        body { font-family: system-ui, sans-serif; max-width: 960px; margin: 0 auto; padding: 1rem; color: #222; }
        nav { display: flex; gap: 1rem; align-items: center; border-bottom: 1px solid #ddd; padding-bottom: .5rem; margin-bottom: 1rem; }
        nav .spacer { flex: 1; }
        table { border-collapse: collapse; width: 100%; }
        th, td { text-align: left; padding: .3rem .5rem; border-bottom: 1px solid #eee; }
        .status-paid { color: #080; font-weight: bold; }
        .status-pending { color: #a60; }
        .error { color: #b00; }
    </style>
</head>
<body>
<nav>
    <a href="/products">Products</a>
    @auth
        <a href="/account/orders">My orders</a>
        @if (auth()->user()->is_admin)<a href="/reports/sales.csv">Sales report</a>@endif
        <span class="spacer"></span>
        <span>{{ auth()->user()->email }}</span>
        <form method="POST" action="/logout" style="display:inline">@csrf<button type="submit">Log out</button></form>
    @else
        <span class="spacer"></span>
        <a href="/login">Log in</a>
    @endauth
</nav>
@yield('content')
</body>
</html>

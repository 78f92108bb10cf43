@extends('layouts.app')
@section('title', 'My orders')
@section('content')
<h1>My orders</h1>
@if ($errors->any())<ul class="error">@foreach ($errors->all() as $error)<li>{{ $error }}</li>@endforeach</ul>@endif
@if ($orders->isEmpty())
    <p>No orders yet.</p>
@else
<table>
    <thead><tr><th>Order</th><th>Placed</th><th>Items</th><th>Total</th><th>Status</th></tr></thead>
    <tbody>
    @foreach ($orders as $order)
        <tr id="order-{{ $order->id }}" data-status="{{ $order->status }}">
            <td>#{{ $order->id }}</td>
            <td>{{ $order->created_at->format('Y-m-d H:i') }}</td>
            <td>
                @foreach ($order->items as $item)
                    {{ $item->quantity }} × {{ $item->product->name ?? ('#'.$item->product_id) }}<br>
                @endforeach
            </td>
            <td>{{ $order->currency }} {{ number_format($order->total_cents / 100, 2) }}</td>
            <td class="status-{{ $order->status }}">{{ $order->status }}</td>
        </tr>
    @endforeach
    </tbody>
</table>
<p>
    @if ($orders->previousPageUrl())<a href="{{ $orders->previousPageUrl() }}">&laquo; Previous</a>@endif
    @if ($orders->nextPageUrl())<a href="{{ $orders->nextPageUrl() }}">Next &raquo;</a>@endif
</p>
@endif
@endsection

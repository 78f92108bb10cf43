@extends('layouts.app')
@section('title', $product->name)
@section('content')
<h1>{{ $product->name }}</h1>
<p>SKU {{ $product->sku }} · {{ $product->category->name ?? '' }}</p>
<p>{{ $product->description }}</p>
<p><strong>{{ $product->currency }} {{ number_format($product->price_cents / 100, 2) }}</strong> · {{ $product->stock }} in stock</p>
@endsection

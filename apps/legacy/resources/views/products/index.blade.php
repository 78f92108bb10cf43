@extends('layouts.app')
@section('title', 'Products')
@section('content')
<h1>Products</h1>
<form method="GET" action="/products">
    <input type="search" name="q" value="{{ $filters['q'] ?? '' }}" placeholder="Search">
    <select name="category">
        <option value="">All categories</option>
        @foreach ($categories as $category)
            <option value="{{ $category->slug }}" @if(($filters['category'] ?? '') === $category->slug) selected @endif>{{ $category->name }}</option>
        @endforeach
    </select>
    <select name="sort">
        <option value="">Default</option>
        @foreach (['price' => 'Price ↑', '-price' => 'Price ↓', 'name' => 'Name A–Z', '-name' => 'Name Z–A', 'popularity' => 'Popular'] as $value => $label)
            <option value="{{ $value }}" @if(($filters['sort'] ?? '') === $value) selected @endif>{{ $label }}</option>
        @endforeach
    </select>
    <button type="submit">Search</button>
</form>
<p>{{ $products->total() }} products</p>
<table>
    <thead><tr><th>SKU</th><th>Name</th><th>Category</th><th>Price</th><th>Stock</th></tr></thead>
    <tbody>
    @foreach ($products as $product)
        <tr>
            <td>{{ $product->sku }}</td>
            <td><a href="/products/{{ $product->id }}">{{ $product->name }}</a></td>
            <td>{{ $product->category->name ?? '' }}</td>
            <td>{{ $product->currency }} {{ number_format($product->price_cents / 100, 2) }}</td>
            <td>{{ $product->stock }}</td>
        </tr>
    @endforeach
    </tbody>
</table>
<p>
    @if ($products->previousPageUrl())<a href="{{ $products->previousPageUrl() }}">&laquo; Previous</a>@endif
    Page {{ $products->currentPage() }} of {{ $products->lastPage() }}
    @if ($products->nextPageUrl())<a href="{{ $products->nextPageUrl() }}">Next &raquo;</a>@endif
</p>
@endsection

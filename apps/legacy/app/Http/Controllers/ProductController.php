<?php

namespace App\Http\Controllers;

use App\Models\Category;
use App\Models\Product;
use App\Shop\ProductSearch;
use Illuminate\Http\Request;

class ProductController extends Controller
{
    public function home()
    {
        return redirect('/products');
    }

    /** GET /api/products: Laravel's LengthAwarePaginator JSON. */
    public function index(Request $request)
    {
        return response()->json(ProductSearch::fromRequest($request));
    }

    /** GET /api/products/{id} */
    public function show(int $id)
    {
        return response()->json(Product::with('category:id,name,slug')->findOrFail($id));
    }

    public function indexPage(Request $request)
    {
        return view('products.index', [
            'products' => ProductSearch::fromRequest($request),
            'categories' => Category::orderBy('name')->get(),
            'filters' => $request->only('q', 'category', 'sort'),
        ]);
    }

    public function showPage(int $id)
    {
        return view('products.show', ['product' => Product::with('category')->findOrFail($id)]);
    }
}

<?php

namespace App\Shop;

use App\Models\Category;
use App\Models\Product;
use Illuminate\Http\Request;
use Illuminate\Pagination\LengthAwarePaginator;
use Illuminate\Validation\Rule;

/**
 * The catalog query behind GET /api/products and GET /products.
 *
 *   q         substring of the name or SKU, case-insensitive (LIKE, wildcards escaped)
 *   category  category slug
 *   sort      price | -price | name | -name | popularity (most popular first); default: id
 *             every sort ends with id ascending as the tie-breaker
 *   page      1-based (Laravel's paginator)
 *   per_page  default 15, capped at 100 (larger values are clamped, not rejected)
 */
class ProductSearch
{
    public const SORTS = [
        'price' => ['price_cents', 'asc'],
        '-price' => ['price_cents', 'desc'],
        'name' => ['name', 'asc'],
        '-name' => ['name', 'desc'],
        'popularity' => ['popularity', 'desc'],
    ];

    public static function fromRequest(Request $request): LengthAwarePaginator
    {
        $params = $request->validate([
            'q' => ['nullable', 'string', 'max:100'],
            'category' => ['nullable', 'string', 'max:100'],
            'sort' => ['nullable', Rule::in(array_keys(self::SORTS))],
            'page' => ['nullable', 'integer', 'min:1'],
            'per_page' => ['nullable', 'integer', 'min:1'],
        ]);

        $perPage = min((int) ($params['per_page'] ?? config('shop.per_page', 15)), (int) config('shop.max_per_page', 100));

        $query = Product::query()->with('category:id,name,slug');

        if (($q = $params['q'] ?? null) !== null && $q !== '') {
            // '!' as the LIKE escape character: the same meaning on SQLite, MariaDB and PostgreSQL.
            $like = '%'.strtr(mb_strtolower($q), ['!' => '!!', '%' => '!%', '_' => '!_']).'%';
            $query->where(function ($w) use ($like) {
                $w->whereRaw("LOWER(name) LIKE ? ESCAPE '!'", [$like])
                    ->orWhereRaw("LOWER(sku) LIKE ? ESCAPE '!'", [$like]);
            });
        }

        if (($slug = $params['category'] ?? null) !== null && $slug !== '') {
            $categoryId = Category::where('slug', $slug)->value('id');
            $query->where('category_id', $categoryId ?? 0);
        }

        if (isset($params['sort'])) {
            [$column, $direction] = self::SORTS[$params['sort']];
            $query->orderBy($column, $direction);
        }
        $query->orderBy('id');

        return $query->paginate($perPage)->withQueryString();
    }
}

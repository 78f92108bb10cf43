<?php

namespace App\Models;

use Illuminate\Database\Eloquent\Model;

class Product extends Model
{
    protected $fillable = ['category_id', 'sku', 'name', 'slug', 'description', 'price_cents', 'currency', 'stock', 'popularity'];

    protected $casts = [
        'category_id' => 'integer',
        'price_cents' => 'integer',
        'stock' => 'integer',
        'popularity' => 'integer',
    ];

    public function category()
    {
        return $this->belongsTo(Category::class);
    }
}

<?php

namespace App\Models;

use Illuminate\Database\Eloquent\Model;

class Order extends Model
{
    public const PENDING = 'pending';
    public const PAID = 'paid';

    protected $fillable = ['user_id', 'status', 'total_cents', 'currency', 'paid_at', 'payment_reference'];

    protected $casts = [
        'user_id' => 'integer',
        'total_cents' => 'integer',
        'paid_at' => 'datetime',
    ];

    public function items()
    {
        return $this->hasMany(OrderItem::class)->orderBy('id');
    }

    public function user()
    {
        return $this->belongsTo(User::class);
    }
}

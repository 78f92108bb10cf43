<?php

use Illuminate\Database\Migrations\Migration;
use Illuminate\Database\Schema\Blueprint;
use Illuminate\Support\Facades\Schema;

return new class extends Migration
{
    public function up()
    {
        Schema::create('orders', function (Blueprint $table) {
            $table->id();
            $table->foreignId('user_id')->constrained('users');
            $table->string('status', 16)->default('pending'); // pending | paid
            $table->bigInteger('total_cents');
            $table->char('currency', 3);
            $table->timestamp('paid_at')->nullable();
            $table->string('payment_reference')->nullable();
            $table->timestamps();

            $table->index(['user_id', 'id']);
            $table->index(['status', 'paid_at']);
        });

        Schema::create('order_items', function (Blueprint $table) {
            $table->id();
            $table->foreignId('order_id')->constrained('orders')->cascadeOnDelete();
            $table->foreignId('product_id')->constrained('products');
            $table->integer('quantity');
            $table->integer('unit_price_cents');

            $table->index('product_id');
        });

        // Provider events already handled: the unique key makes the webhook idempotent,
        // also under concurrent deliveries of the same event.
        Schema::create('payment_events', function (Blueprint $table) {
            $table->id();
            $table->string('provider_event_id', 191)->unique();
            $table->string('type', 64);
            $table->unsignedBigInteger('order_id')->nullable()->index();
            $table->string('outcome', 32);
            $table->text('payload');
            $table->timestamp('received_at');
        });
    }

    public function down()
    {
        Schema::dropIfExists('payment_events');
        Schema::dropIfExists('order_items');
        Schema::dropIfExists('orders');
    }
};

<?php

use Illuminate\Database\Migrations\Migration;
use Illuminate\Database\Schema\Blueprint;
use Illuminate\Support\Facades\Schema;

return new class extends Migration
{
    public function up()
    {
        Schema::create('categories', function (Blueprint $table) {
            $table->id();
            $table->string('name');
            $table->string('slug')->unique();
            $table->timestamps();
        });

        Schema::create('products', function (Blueprint $table) {
            $table->id();
            $table->foreignId('category_id')->constrained('categories');
            $table->string('sku', 32)->unique();
            $table->string('name');
            $table->string('slug');
            $table->text('description');
            $table->integer('price_cents');
            $table->char('currency', 3)->default('USD');
            $table->integer('stock')->default(0);
            $table->integer('popularity')->default(0);
            $table->timestamps();

            $table->index(['price_cents', 'id']);
            $table->index(['popularity', 'id']);
            $table->index(['name', 'id']);
        });
    }

    public function down()
    {
        Schema::dropIfExists('products');
        Schema::dropIfExists('categories');
    }
};

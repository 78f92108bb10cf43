<?php

use Illuminate\Database\Migrations\Migration;
use Illuminate\Database\Schema\Blueprint;
use Illuminate\Support\Facades\Schema;

/*
 * Offramp's transactional outbox (copy this migration with app/Offramp/ into your own app).
 * The relay reads unpublished rows in id order and publishes each to NATS JetStream:
 * subject = event_type, Nats-Msg-Id = event_id.
 */
return new class extends Migration
{
    public function up()
    {
        Schema::create(config('offramp.outbox_table', 'offramp_outbox'), function (Blueprint $table) {
            $table->bigIncrements('id');                 // global order
            $table->char('event_id', 36)->unique();      // UUID, the Nats-Msg-Id
            $table->string('aggregate_type', 64);        // order, product, ...
            $table->string('aggregate_id', 64);
            $table->string('event_type', 128);           // NATS subject, e.g. shop.orders.placed.v1
            $table->text('payload');                     // JSON
            $table->dateTime('occurred_at', 6);          // UTC, microseconds
            $table->dateTime('published_at', 6)->nullable();
            $table->integer('attempts')->default(0);
            $table->text('last_error')->nullable();

            $table->index(['published_at', 'id']);
            $table->index(['aggregate_type', 'aggregate_id', 'id']);
        });
    }

    public function down()
    {
        Schema::dropIfExists(config('offramp.outbox_table', 'offramp_outbox'));
    }
};

<?php

use Illuminate\Database\Migrations\Migration;
use Illuminate\Database\Schema\Blueprint;
use Illuminate\Support\Facades\Schema;

/*
 * The W3C trace context of the request that recorded an outbox row ({"traceparent": ..., "tracestate": ...}),
 * so that Offramp's relay publishes the event as part of that request's trace. Nullable: rows
 * recorded outside a traced request (and every row before this migration) have none.
 * A separate migration, so an application that copied the outbox table earlier gets the column too.
 */
return new class extends Migration
{
    public function up()
    {
        Schema::table(config('offramp.outbox_table', 'offramp_outbox'), function (Blueprint $table) {
            $table->string('trace_context', 1024)->nullable();
        });
    }

    public function down()
    {
        Schema::table(config('offramp.outbox_table', 'offramp_outbox'), function (Blueprint $table) {
            $table->dropColumn('trace_context');
        });
    }
};

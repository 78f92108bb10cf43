<?php

use Illuminate\Database\Migrations\Migration;
use Illuminate\Database\Schema\Blueprint;
use Illuminate\Support\Facades\Schema;

/*
 * Offramp's outbox relay leases (copy with the outbox migration). On SQLite, which has no row
 * locks, one relay replica at a time holds the `outbox-relay` lease and publishes; the others
 * wait until it expires. MariaDB and PostgreSQL use FOR UPDATE SKIP LOCKED instead.
 * expires_at is milliseconds since the epoch.
 */
return new class extends Migration
{
    public function up()
    {
        Schema::create('offramp_relay_leases', function (Blueprint $table) {
            $table->string('name', 64)->primary();
            $table->string('owner', 191);
            $table->bigInteger('expires_at');
        });
    }

    public function down()
    {
        Schema::dropIfExists('offramp_relay_leases');
    }
};

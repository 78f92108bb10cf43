<?php

namespace App\Database;

/** The database configuration (DATABASE_URL or DB_*) is wrong; the message names the variable. */
final class InvalidDatabaseConfig extends \InvalidArgumentException
{
}

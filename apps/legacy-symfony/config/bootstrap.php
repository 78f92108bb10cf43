<?php

/*
 * Shared by public/index.php, bin/console and the tests: the autoloader, then Symfony's Dotenv:
 * .env.dist (committed defaults; the repo ignores .env files, and Dotenv reads .env.dist when there
 * is no .env), .env.local, .env.$APP_ENV, .env.$APP_ENV.local. Real environment variables always win.
 */

require dirname(__DIR__).'/autoload.php';

use Symfony\Component\Dotenv\Dotenv;

// Dotenv lets a variable already in $_SERVER/$_ENV win, but `php -S` (variables_order without E)
// puts the process environment in neither: copy it, so a real environment variable beats .env.dist.
foreach (getenv() as $name => $value) {
    if (! isset($_SERVER[$name]) && ! str_starts_with($name, 'HTTP_')) {
        $_SERVER[$name] = $value;
    }
}

(new Dotenv())->bootEnv(dirname(__DIR__).'/.env');

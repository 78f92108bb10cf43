<?php

/*
 * Shared by public/index.php, bin/console and the tests: the autoloader, then Symfony's Dotenv:
 * .env.dist (committed defaults; the repo ignores .env files, and Dotenv reads .env.dist when there
 * is no .env), .env.local, .env.$APP_ENV, .env.$APP_ENV.local. Real environment variables always win.
 */

require dirname(__DIR__).'/autoload.php';

use Symfony\Component\Dotenv\Dotenv;

(new Dotenv())->bootEnv(dirname(__DIR__).'/.env');

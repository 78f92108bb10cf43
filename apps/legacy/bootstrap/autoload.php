<?php

/*
 * No composer: the framework comes from Debian's php-laravel-framework package
 * (its own autoloader pulls in Symfony, Carbon, Monolog, ... from /usr/share/php).
 * The application's classes are autoloaded PSR-4 style from this directory tree.
 */

require_once getenv('LARAVEL_AUTOLOAD') ?: '/usr/share/php/Illuminate/autoload.php';

spl_autoload_register(static function (string $class): void {
    static $map = [
        'App\\' => __DIR__.'/../app/',
        'Database\\Seeders\\' => __DIR__.'/../database/seeders/',
        'Database\\Factories\\' => __DIR__.'/../database/factories/',
        'Tests\\' => __DIR__.'/../tests/',
    ];
    foreach ($map as $prefix => $dir) {
        if (strncmp($class, $prefix, strlen($prefix)) === 0) {
            $file = $dir.str_replace('\\', '/', substr($class, strlen($prefix))).'.php';
            if (is_file($file)) {
                require $file;
            }

            return;
        }
    }
});

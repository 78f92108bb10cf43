<?php

/*
 * No composer: Symfony 5.4, Twig and Doctrine DBAL come from Debian's php-symfony-* and
 * php-doctrine-dbal packages, whose autoload.php files each pull in their own dependencies.
 * The application's classes (App\, App\Tests\) are autoloaded PSR-4 style from src/ and tests/.
 */

$debian = rtrim(getenv('SYMFONY_DEBIAN_PHP_DIR') ?: '/usr/share/php', '/');
foreach ([
    'Symfony/Bundle/FrameworkBundle',
    'Symfony/Bundle/SecurityBundle',
    'Symfony/Bundle/TwigBundle',
    'Symfony/Component/Messenger',
    'Symfony/Component/Messenger/Bridge/Doctrine',
    'Symfony/Component/Security/Csrf',
    'Symfony/Component/ExpressionLanguage',
    'Symfony/Component/Yaml',
    'Symfony/Component/Dotenv',
    'Symfony/Component/Console',
    'Doctrine/DBAL',
] as $package) {
    require_once "{$debian}/{$package}/autoload.php";
}
// Only the tests use these (KernelBrowser); a production install can leave them out.
foreach (['Symfony/Component/BrowserKit', 'Symfony/Component/DomCrawler'] as $package) {
    if (is_file("{$debian}/{$package}/autoload.php")) {
        require_once "{$debian}/{$package}/autoload.php";
    }
}

spl_autoload_register(static function (string $class): void {
    static $map = [
        'App\\Tests\\' => __DIR__.'/tests/',
        'App\\' => __DIR__.'/src/',
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

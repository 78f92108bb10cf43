<?php

/*
 * Laravel's own router deciding, for the routes-exact e2e test: boots apps/legacy as artisan does,
 * adds the routes of laravel-extra-routes.php (the shapes the sample app lacks: whereNumber,
 * optional parameters, a domain, a catch-all), names unnamed routes after their place, then
 *   php laravel-router.php export   prints `php artisan offramp:routes` for that router;
 *   php laravel-router.php match    reads [{method, path, host, headers}] on stdin and prints, for each,
 *                                   the name of the route Laravel's RouteCollection::match picks, or null.
 */

$legacy = getenv('LEGACY_DIR') ?: dirname(__DIR__, 4).'/apps/legacy';
require $legacy.'/bootstrap/autoload.php';
$app = require $legacy.'/bootstrap/app.php';
$kernel = $app->make(Illuminate\Contracts\Console\Kernel::class);
$kernel->bootstrap();

require __DIR__.'/laravel-extra-routes.php';

$routes = app('router')->getRoutes();
foreach (array_values($routes->getRoutes()) as $index => $route) {
    if ($route->getName() === null) {
        $route->name('unnamed.'.$index);
    }
}
$routes->refreshNameLookups();

if (($argv[1] ?? '') === 'export') {
    Illuminate\Support\Facades\Artisan::call('offramp:routes');
    echo Illuminate\Support\Facades\Artisan::output();
    exit(0);
}

$requests = json_decode(stream_get_contents(STDIN), true, 512, JSON_THROW_ON_ERROR);
$answers = [];
foreach ($requests as $asked) {
    $server = ['HTTP_HOST' => $asked['host'] ?? 'localhost'];
    foreach ($asked['headers'] ?? [] as $name => $value) {
        $server['HTTP_'.strtoupper(str_replace('-', '_', $name))] = $value;
    }
    $request = Illuminate\Http\Request::create($asked['path'], $asked['method'], [], [], [], $server);
    try {
        $answers[] = $routes->match($request)->getName();
    } catch (Symfony\Component\HttpKernel\Exception\NotFoundHttpException | Symfony\Component\HttpKernel\Exception\MethodNotAllowedHttpException $e) {
        $answers[] = null;
    }
}
echo json_encode($answers, JSON_UNESCAPED_SLASHES | JSON_THROW_ON_ERROR);

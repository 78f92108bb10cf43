<?php

/*
 * Symfony's own router deciding, for the routes-exact e2e test: boots apps/legacy-symfony's kernel
 * as bin/console does, reads [{method, path, host, headers}] on stdin and prints, for each, the name
 * of the route the framework's router matches (Router::matchRequest, so conditions see the request),
 * or null where it answers 404 or 405.
 */

$symfony = getenv('LEGACY_SYMFONY_DIR') ?: dirname(__DIR__, 4).'/apps/legacy-symfony';
require $symfony.'/config/bootstrap.php';

$kernel = new App\Kernel($_SERVER['APP_ENV'] ?? 'dev', (bool) ($_SERVER['APP_DEBUG'] ?? false));
$kernel->boot();
$router = $kernel->getContainer()->get('router');

$requests = json_decode(stream_get_contents(STDIN), true, 512, JSON_THROW_ON_ERROR);
$answers = [];
foreach ($requests as $asked) {
    $server = ['HTTP_HOST' => $asked['host'] ?? 'localhost'];
    foreach ($asked['headers'] ?? [] as $name => $value) {
        $server['HTTP_'.strtoupper(str_replace('-', '_', $name))] = $value;
    }
    $request = Symfony\Component\HttpFoundation\Request::create($asked['path'], $asked['method'], [], [], [], $server);
    $router->getContext()->fromRequest($request);
    try {
        $answers[] = $router->matchRequest($request)['_route'] ?? null;
    } catch (Symfony\Component\Routing\Exception\ResourceNotFoundException | Symfony\Component\Routing\Exception\MethodNotAllowedException $e) {
        $answers[] = null;
    }
}
echo json_encode($answers, JSON_UNESCAPED_SLASHES | JSON_THROW_ON_ERROR);

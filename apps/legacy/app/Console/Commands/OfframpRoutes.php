<?php

namespace App\Console\Commands;

use Illuminate\Console\Command;
use Illuminate\Routing\Route;
use Illuminate\Routing\Router;

/**
 * Every route as Offramp's route import reads it (`npx offramp routes import`): what route:list
 * --json leaves out and the gateway needs to match the URLs Laravel matches — the `where`
 * constraints (whereNumber & co. and Route::pattern land there too), the optional parameters
 * (`{page?}`), the domain and the defaults. One file with no dependency beyond Laravel: copy it
 * into app/Console/Commands of your own app.
 */
class OfframpRoutes extends Command
{
    /** The format the importer recognises (libs/legacy-bridge LARAVEL_ROUTES_FORMAT). */
    public const FORMAT = 'offramp.laravel-routes.v1';

    protected $signature = 'offramp:routes';

    protected $description = "Print every route as JSON for Offramp's route import (methods, uri, domain, wheres, defaults, middleware)";

    public function handle(Router $router)
    {
        $routes = array_map(fn (Route $route) => self::describe($route), array_values($router->getRoutes()->getRoutes()));
        $this->line(json_encode(['format' => self::FORMAT, 'routes' => $routes], JSON_UNESCAPED_SLASHES | JSON_PRETTY_PRINT | JSON_THROW_ON_ERROR));

        return 0;
    }

    public static function describe(Route $route): array
    {
        return [
            'methods' => $route->methods(),
            'uri' => $route->uri(),
            'domain' => $route->getDomain(),
            'name' => $route->getName(),
            'action' => ltrim($route->getActionName(), '\\'),
            // Route::pattern() globals are merged into a route's wheres when it is added to the router.
            'wheres' => (object) $route->wheres,
            'defaults' => (object) $route->defaults,
            'optional' => self::optionalParameters($route->uri()),
            'middleware' => array_values($route->gatherMiddleware()),
            'fallback' => (bool) $route->isFallback,
        ];
    }

    /** @return string[] the parameters written `{name?}` */
    private static function optionalParameters(string $uri): array
    {
        preg_match_all('/\{(\w+?)\?\}/', $uri, $matches);

        return $matches[1];
    }
}

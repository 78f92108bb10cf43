import { LaravelModelNotFoundException, LaravelRouteNotFoundException } from '../errors/laravel-exceptions.js';

const INT64_MAX = 9223372036854775807n;

/**
 * An `{id}` route parameter as the monolith's `show(int $id)` receives it: digits only (the route
 * pattern `[0-9]+`, anything else matches no route), as the integer they spell, never rounded
 * through a float (`0042` is 42, `9223372036854775807` stays itself).
 *
 * Deliberate difference: beyond PHP_INT_MAX PHP cannot pass the id as an int and the monolith
 * answers 500 (a TypeError); the slice answers the 404 of a record that cannot exist.
 */
export function laravelRouteId(id: string, model: string): string {
  if (!/^[0-9]+$/.test(id)) throw new LaravelRouteNotFoundException();
  const value = BigInt(id);
  if (value > INT64_MAX) throw new LaravelModelNotFoundException(model, value.toString());
  return value.toString();
}

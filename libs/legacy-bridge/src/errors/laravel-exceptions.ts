import { HttpException } from '@nestjs/common';
import type { LaravelErrors } from '../validation/laravel-validator.js';

/** A ValidationException: 422 `{"message":"The given data was invalid.","errors":{…}}`. */
export class LaravelValidationException extends HttpException {
  constructor(readonly errors: LaravelErrors) {
    super('The given data was invalid.', 422);
  }
}

/** findOrFail(): 404 with Eloquent's ModelNotFoundException message, e.g. `[App\Models\Product] 42`. */
export class LaravelModelNotFoundException extends HttpException {
  constructor(model: string, id: string, namespace = 'App\\Models') {
    super(`No query results for model [${namespace}\\${model}] ${id}`, 404);
  }
}

/** No route matched (e.g. /api/products/abc against the `[0-9]+` id pattern): Laravel says nothing. */
export class LaravelRouteNotFoundException extends HttpException {
  constructor() {
    super('', 404);
  }
}

/** `abort($status, $message)`: an HTTP error answered with the message the monolith gave it (e.g. EnsureAdmin's 403 "Admins only."). */
export class LaravelAbortException extends HttpException {
  constructor(status: number, message: string) {
    super(message, status);
  }
}

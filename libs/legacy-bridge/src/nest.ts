// The parts that need NestJS at runtime, kept out of the main entry so that Nest-free users of
// the bridge (the CLI's route import, the gateway's hot path) do not load Nest and Swagger.

export {
  LaravelValidationException,
  LaravelModelNotFoundException,
  LaravelRouteNotFoundException,
  LaravelAbortException,
} from './errors/laravel-exceptions.js';
export { LaravelExceptionFilter } from './errors/laravel-exception-filter.js';
export { LaravelWebExceptionFilter } from './errors/laravel-web-exception-filter.js';
export { LaravelErrorDto, LaravelValidationErrorDto } from './errors/laravel-error.dto.js';
export { LaravelBodiesModule } from './http/laravel-bodies.module.js';
export { laravelRouteId } from './http/laravel-route-id.js';

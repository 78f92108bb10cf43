import { type ArgumentsHost, Catch, type ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { phpJson, phpPrettyJson } from '../php/php-json.js';
import { errorsJson } from '../validation/laravel-validator.js';
import { LaravelAbortException, LaravelModelNotFoundException, LaravelRouteNotFoundException, LaravelValidationException } from './laravel-exceptions.js';

/**
 * The monolith's error answers on the routes it hands over, byte for byte: validation and
 * `unauthenticated` as compact JSON, every other HTTP error through the exception handler's
 * pretty-printed `{"message": …}`, unexpected errors as "Server Error" (APP_DEBUG off).
 */
@Catch()
export class LaravelExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger('LaravelErrors');

  catch(exception: unknown, host: ArgumentsHost): void {
    const request = host.switchToHttp().getRequest<FastifyRequest>();
    const reply = host.switchToHttp().getResponse<FastifyReply>();
    const [status, body] = this.answer(exception, request);
    // A Buffer: Fastify would append "; charset=utf-8" to a string's Content-Type; Laravel does not.
    void reply.status(status).header('content-type', 'application/json').header('cache-control', 'no-cache, private').send(Buffer.from(body));
  }

  private answer(exception: unknown, request: FastifyRequest): [number, string] {
    if (exception instanceof LaravelValidationException) {
      return [422, phpJson({ message: 'The given data was invalid.', errors: errorsJson(exception.errors) })];
    }
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      if (exception instanceof LaravelAbortException && status < 500) return [status, phpPrettyJson({ message: exception.message })];
      // ThrottleRequestsException's words. Known by its status rather than as @nestjs/throttler's
      // ThrottlerException, so that the bridge does not load the throttler (which Jest's ESM mode
      // cannot load either); a slice's only 429 is its rate limit.
      if (status === 429) return [429, phpPrettyJson({ message: 'Too Many Attempts.' })];
      if (status === 401) return [401, phpJson({ message: 'Unauthenticated.' })];
      if (status === 403) return [403, phpPrettyJson({ message: 'This action is unauthorized.' })];
      if (exception instanceof LaravelModelNotFoundException || exception instanceof LaravelRouteNotFoundException) {
        return [status, phpPrettyJson({ message: exception.message })];
      }
      if (status < 500) return [status, phpPrettyJson({ message: exception.message })];
    }
    this.logger.error({ err: exception, requestId: request.id }, `${request.method} ${request.url} failed`);
    return [500, phpPrettyJson({ message: 'Server Error' })];
  }
}

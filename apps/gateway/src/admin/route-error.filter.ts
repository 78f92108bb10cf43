import {
  type ArgumentsHost,
  Catch,
  ConflictException,
  type ExceptionFilter,
  type HttpException,
  NotFoundException,
  ServiceUnavailableException,
} from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { RouteListFormatError } from '@offramp/legacy-bridge';
import { InvalidInputException, ProblemDetailsFilter } from '@offramp/platform';
import { InvalidRoute, PromotionRefused, RevisionConflict, RouteLifecycleError, RouteNotFound, RouteStoreUnavailable } from '../routes/route-errors.js';

/** The one place a refused route change becomes an HTTP answer: 404, 409, 400 naming the field, or 503 while NATS is away. */
export function httpExceptionFor(error: RouteLifecycleError | RouteListFormatError): HttpException {
  if (error instanceof RouteNotFound) return new NotFoundException(error.message);
  if (error instanceof RouteStoreUnavailable) return new ServiceUnavailableException(error.message);
  if (error instanceof PromotionRefused || error instanceof RevisionConflict) return new ConflictException(error.message);
  if (error instanceof InvalidRoute) return new InvalidInputException([{ name: error.field ?? 'route', reason: error.message }]);
  if (error instanceof RouteListFormatError) return new InvalidInputException([{ name: 'routeList', reason: error.message }]);
  // A new kind of refusal without its own answer yet: still the caller's to fix, never a 500.
  return new InvalidInputException([{ name: 'route', reason: error.message }]);
}

/** Route errors answered as problem+json by the platform's filter, as every other error of the service is. */
@Catch(RouteLifecycleError, RouteListFormatError)
export class RouteErrorFilter implements ExceptionFilter {
  private readonly problems = new ProblemDetailsFilter();

  catch(error: RouteLifecycleError | RouteListFormatError, host: ArgumentsHost): void {
    if (error instanceof RouteStoreUnavailable) void host.switchToHttp().getResponse<FastifyReply>().header('retry-after', String(error.retryAfterS));
    this.problems.catch(httpExceptionFor(error), host);
  }
}

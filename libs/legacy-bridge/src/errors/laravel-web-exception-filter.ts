import { type ArgumentsHost, Catch, HttpException } from '@nestjs/common';
import { canDefer, markDeferrable } from '@offramp/contracts/http';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { expectsJson } from '../http/expects-json.js';
import { LARAVEL_REDIRECT_CONTENT_TYPE, laravelRedirectBody, laravelUrlTo } from '../http/laravel-redirect.js';
import { LaravelRequestUrl } from '../http/request-url.js';
import { hasLaravelErrorView, laravelErrorPage } from './laravel-error-page.js';
import { LaravelExceptionFilter } from './laravel-exception-filter.js';
import { LaravelAbortException, LaravelValidationException } from './laravel-exceptions.js';

/**
 * The monolith's answers on a web route (the `web` group): JSON for callers that expect it
 * (`expectsJson()`), as LaravelExceptionFilter gives; for browsers, what Handler renders: a guest
 * is redirected to the login route (Authenticate::redirectTo), failed validation goes back
 * (`url()->previous()`: the Referer, else `/`), an abort is the framework's HTML error page.
 * The monolith's browser answer also writes its session (its cookies, `url.intended` for the
 * guest, the errors and input flashed for the redirect back), which a slice cannot: a browser's
 * GET or HEAD refused with a 4xx is marked deferrable (markDeferrable), and the gateway has the
 * monolith answer it wherever the monolith still serves the route; the answer here is what
 * stands elsewhere (other methods, a retired route, a caller without the gateway).
 */
@Catch()
export class LaravelWebExceptionFilter extends LaravelExceptionFilter {
  /** `route('login')`: an app whose login route is elsewhere extends this class. No constructor parameters, so that `@UseFilters(Class)` needs no providers. */
  protected readonly loginPath: string = '/login';
  private readonly requestUrl = new LaravelRequestUrl();

  override catch(exception: unknown, host: ArgumentsHost): void {
    const request = host.switchToHttp().getRequest<FastifyRequest>();
    if (expectsJson(request.headers)) return super.catch(exception, host);
    const reply = host.switchToHttp().getResponse<FastifyReply>();
    if (canDefer(request.method) && exception instanceof HttpException && exception.getStatus() < 500) markDeferrable(reply, 'laravel-session');
    const root = () => this.requestUrl.schemeAndHttpHost(request);
    if (exception instanceof LaravelValidationException) {
      const referer = request.headers.referer;
      return this.redirect(reply, laravelUrlTo(root(), referer ? referer : '/'));
    }
    if (exception instanceof HttpException && exception.getStatus() === 401) return this.redirect(reply, laravelUrlTo(root(), this.loginPath));
    if (exception instanceof LaravelAbortException && hasLaravelErrorView(exception.getStatus())) {
      void reply
        .status(exception.getStatus())
        .header('content-type', 'text/html; charset=UTF-8')
        .header('cache-control', 'no-cache, private')
        .send(Buffer.from(laravelErrorPage(exception.getStatus(), exception.message)));
      return;
    }
    super.catch(exception, host);
  }

  private redirect(reply: FastifyReply, url: string): void {
    void reply
      .status(302)
      .header('location', url)
      .header('content-type', LARAVEL_REDIRECT_CONTENT_TYPE)
      .header('cache-control', 'no-cache, private')
      .send(Buffer.from(laravelRedirectBody(url)));
  }
}

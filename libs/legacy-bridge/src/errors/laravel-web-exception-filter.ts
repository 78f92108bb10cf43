import { type ArgumentsHost, Catch, HttpException } from '@nestjs/common';
import { canDefer, deferToMonolith } from '@offramp/contracts/http';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { expectsJson } from '../http/expects-json.js';
import { LARAVEL_REDIRECT_CONTENT_TYPE, laravelRedirectBody, laravelUrlTo } from '../http/laravel-redirect.js';
import { LaravelRequestUrl } from '../http/request-url.js';
import { hasLaravelErrorView, laravelErrorPage } from './laravel-error-page.js';
import { LaravelExceptionFilter } from './laravel-exception-filter.js';
import { LaravelAbortException, LaravelValidationException } from './laravel-exceptions.js';

/**
 * The monolith's answers on a web route (the `web` group): JSON for callers that expect it
 * (`expectsJson()`), as LaravelExceptionFilter gives. A browser's answer writes the monolith's
 * session (its cookies, `url.intended` for a guest sent to log in, the errors and input flashed
 * for a redirect back), which a slice cannot: a browser's GET or HEAD refused with a 4xx is
 * deferred to the monolith (deferToMonolith: the gateway has the monolith answer it).
 * For other methods, which the gateway never replays, what Handler renders without the session:
 * a guest is redirected to the login route (Authenticate::redirectTo), failed validation goes back
 * (`url()->previous()`: the Referer, else `/`), an abort is the framework's HTML error page; the
 * monolith's cookies, intended URL and flashed errors are missing there.
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
    if (canDefer(request.method) && exception instanceof HttpException && exception.getStatus() < 500) return deferToMonolith(reply, 'laravel-session');
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

import { phpHtmlEscape } from '../php/php-html.js';

/** Symfony's RedirectResponse::setTargetUrl content, which Laravel's `redirect()` answers with. */
export function laravelRedirectBody(url: string): string {
  const target = phpHtmlEscape(url);
  return `<!DOCTYPE html>
<html>
    <head>
        <meta charset="UTF-8" />
        <meta http-equiv="refresh" content="0;url='${target}'" />

        <title>Redirecting to ${target}</title>
    </head>
    <body>
        Redirecting to <a href="${target}">${target}</a>.
    </body>
</html>`;
}

/** RedirectResponse's Content-Type (lower-case charset, unlike a rendered view's). */
export const LARAVEL_REDIRECT_CONTENT_TYPE = 'text/html; charset=utf-8';

/**
 * UrlGenerator::to($path) for the request's root (`schemeAndHttpHost`, the app at the docroot): a URL
 * isValidUrl accepts as it is, anything else under the root with its slashes trimmed. Known difference:
 * PHP's filter_var(FILTER_VALIDATE_URL) also passes other `scheme://` URLs, approximated by the scheme test.
 */
export function laravelUrlTo(root: string, path: string): string {
  if (/^(#|\/\/|https?:\/\/|(mailto|tel|sms):)/.test(path) || /^[a-z][a-z0-9+.-]*:\/\/[^\s/]+/i.test(path)) return path;
  const queryAt = path.indexOf('?');
  const [bare, query] = queryAt === -1 ? [path, ''] : [path.slice(0, queryAt), path.slice(queryAt)];
  return `${root}/${bare.replace(/^\/+|\/+$/g, '')}`.replace(/^\/+|\/+$/g, '') + query;
}

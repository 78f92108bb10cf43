import { laravelErrorPage } from '@offramp/legacy-bridge';

// Laravel 8.83's 419 page, byte for byte (the framework's view, from the bridge that renders every
// error page; checked against the real app by the CSRF e2e test). An app with its own errors/419 view
// answers differently: see README.
export const PAGE_EXPIRED_HTML = laravelErrorPage(419);

/** Handler::prepareJsonResponse with APP_DEBUG off: JSON_PRETTY_PRINT | JSON_UNESCAPED_SLASHES. */
export const PAGE_EXPIRED_JSON = JSON.stringify({ message: 'CSRF token mismatch.' }, null, 4);

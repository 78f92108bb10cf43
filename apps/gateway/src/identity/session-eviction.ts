import type { IncomingMessage } from 'node:http';

/** Told by the proxy about every relayed response that sets cookies, before the client sees it. */
export interface SessionEviction {
  /**
   * The response to `req` carries these Set-Cookie fields. When they end or replace the session the
   * request came with (logout, login, session id rotation), what the gateway cached for that session
   * is dropped, so the old cookie gives no identity to the very next request.
   */
  responseSetsCookies(req: IncomingMessage, setCookie: string | string[]): void;
  /**
   * The response to `req` sets no cookie. A logout can still have ended the login (Symfony's
   * firewall with invalidate_session: false removes the token and keeps the session id): a bridge
   * that knows the monolith's logout path drops what it cached for the session here.
   */
  responseSetsNoCookies?(req: IncomingMessage): void;
}

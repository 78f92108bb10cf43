import { createHash } from 'node:crypto';

export interface WhoamiUser {
  id: string;
  email?: string;
  name?: string;
  roles: string[];
}

/** GET the monolith's whoami endpoint with the caller's cookie: status and JSON body. */
export type WhoamiRequest = (cookieHeader: string) => Promise<{ status: number; body: unknown }>;

/**
 * Where the session cannot be read (Symfony, custom auth, an unknown store), the monolith itself
 * says who the cookie belongs to. Answers (anonymous ones too) are cached briefly by a hash of the
 * cookie, never by the cookie itself. Each answer belongs to a scope (the caller's session: its id,
 * or the session cookie's value), so that a logout can forget every answer given for that session.
 */
export class WhoamiClient {
  private readonly cache = new Map<string, { user?: WhoamiUser; until: number }>();
  private readonly inFlight = new Map<string, Promise<WhoamiUser | undefined>>();
  /** scope → cache keys asked for in it. */
  private readonly scopes = new Map<string, Set<string>>();
  /** When each scope was last forgotten (a counter): an answer asked for before that is not cached. */
  private readonly forgotten = new Map<string, number>();
  private forgets = 0;

  constructor(
    private readonly request: WhoamiRequest,
    private readonly cacheMs = 5_000,
  ) {}

  async whoami(cookieHeader: string | undefined, scope: string | undefined = cookieHeader): Promise<WhoamiUser | undefined> {
    if (!cookieHeader) return undefined;
    const key = createHash('sha256').update(cookieHeader).digest('base64url');
    const cached = this.cache.get(key);
    if (cached && cached.until > Date.now()) return cached.user;
    let pending = this.inFlight.get(key);
    if (!pending) {
      const askedSince = this.forgets;
      const asked: Promise<WhoamiUser | undefined> = this.ask(cookieHeader)
        .then((user) => {
          if (scope === undefined || (this.forgotten.get(scope) ?? -1) <= askedSince) this.remember(key, scope, user);
          return user;
        })
        .finally(() => {
          if (this.inFlight.get(key) === asked) this.inFlight.delete(key);
        });
      pending = asked;
      this.inFlight.set(key, pending);
      if (scope !== undefined) this.index(scope, key);
    }
    return pending;
  }

  /** Whether an answer for this scope may be cached or in flight: if not, there is nothing to forget. */
  holds(scope: string): boolean {
    return this.scopes.has(scope);
  }

  holdsAny(): boolean {
    return this.scopes.size > 0;
  }

  /** The session behind `scope` ended or changed: its answers are dropped, and one in flight is not kept. */
  forget(scope: string): void {
    if (this.forgotten.size > 10_000) this.forgotten.clear();
    this.forgotten.set(scope, ++this.forgets);
    const keys = this.scopes.get(scope);
    if (!keys) return;
    for (const key of keys) {
      this.cache.delete(key);
      this.inFlight.delete(key);
    }
    this.scopes.delete(scope);
  }

  private remember(key: string, scope: string | undefined, user: WhoamiUser | undefined): void {
    if (this.cacheMs <= 0) return;
    if (this.cache.size > 10_000) {
      this.cache.clear();
      this.scopes.clear();
    }
    this.cache.set(key, { user, until: Date.now() + this.cacheMs });
    if (scope !== undefined) this.index(scope, key);
  }

  private index(scope: string, key: string): void {
    if (this.scopes.size > 10_000) this.scopes.clear();
    const keys = this.scopes.get(scope);
    if (keys) keys.add(key);
    else this.scopes.set(scope, new Set([key]));
  }

  private async ask(cookieHeader: string): Promise<WhoamiUser | undefined> {
    const { status, body } = await this.request(cookieHeader);
    if (status !== 200 || !body || typeof body !== 'object') return undefined;
    const answer = body as { id?: unknown; email?: unknown; name?: unknown; roles?: unknown };
    if (typeof answer.id !== 'number' && typeof answer.id !== 'string') return undefined;
    return {
      id: String(answer.id),
      email: typeof answer.email === 'string' ? answer.email : undefined,
      name: typeof answer.name === 'string' ? answer.name : undefined,
      roles: Array.isArray(answer.roles) ? answer.roles.filter((role): role is string => typeof role === 'string') : [],
    };
  }
}

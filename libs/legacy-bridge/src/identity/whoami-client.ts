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
 * cookie, never by the cookie itself.
 */
export class WhoamiClient {
  private readonly cache = new Map<string, { user?: WhoamiUser; until: number }>();
  private readonly inFlight = new Map<string, Promise<WhoamiUser | undefined>>();

  constructor(
    private readonly request: WhoamiRequest,
    private readonly cacheMs = 5_000,
  ) {}

  async whoami(cookieHeader: string | undefined): Promise<WhoamiUser | undefined> {
    if (!cookieHeader) return undefined;
    const key = createHash('sha256').update(cookieHeader).digest('base64url');
    const cached = this.cache.get(key);
    if (cached && cached.until > Date.now()) return cached.user;
    let pending = this.inFlight.get(key);
    if (!pending) {
      pending = this.ask(cookieHeader).finally(() => this.inFlight.delete(key));
      this.inFlight.set(key, pending);
    }
    const user = await pending;
    if (this.cacheMs > 0) {
      if (this.cache.size > 10_000) this.cache.clear();
      this.cache.set(key, { user, until: Date.now() + this.cacheMs });
    }
    return user;
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

import { createAdminClient, type Client, type ProblemDto } from '@offramp/contracts/admin-api';

export class AdminApiError extends Error {
  constructor(
    /** The admin API's status; 0 when there was no answer. */
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export interface AdminClientOptions {
  /** The gateway's admin listener (GATEWAY_ADMIN_PORT), not its public port. */
  adminUrl: string;
  token?: string;
  timeoutMs?: number;
}

/** What every generated function resolves to (`response` is missing when no answer came). */
interface Outcome<T> {
  data?: T;
  error?: unknown;
  response?: Response;
}

/**
 * The gateway's admin API through its generated client (@offramp/contracts/admin-api). The CLI
 * holds no rules of its own: it sends what people type and the gateway decides, so every answer
 * that is not a success becomes an AdminApiError with the gateway's own words.
 */
export class AdminApi {
  private client?: Client;

  constructor(private readonly options: AdminClientOptions) {}

  /** `api.call((client) => listRoutes({ client }))`: the answer's data, or an AdminApiError naming the problem and the fix. */
  async call<T>(operation: (client: Client) => Promise<Outcome<T>>): Promise<T> {
    const { data, error, response } = await operation(this.connect());
    if (!response) {
      const cause = error instanceof Error ? ((error.cause as Error | undefined)?.message ?? error.message) : String(error);
      throw new AdminApiError(0, `cannot reach the gateway's admin listener at ${this.options.adminUrl} (${cause}); set OFFRAMP_ADMIN_URL`);
    }
    if (!response.ok || data === undefined) throw new AdminApiError(response.status, problemText(response.status, error));
    return data;
  }

  private connect(): Client {
    if (!this.options.token) throw new AdminApiError(0, 'no admin token: set OFFRAMP_ADMIN_TOKEN (the gateway’s GATEWAY_ADMIN_TOKEN)');
    const timeoutMs = this.options.timeoutMs ?? 30_000;
    this.client ??= createAdminClient({
      adminUrl: this.options.adminUrl,
      token: this.options.token,
      fetch: (request) => fetch(request, { signal: AbortSignal.timeout(timeoutMs) }),
    });
    return this.client;
  }
}

/** The problem+json answer in one line: every field at fault, else its detail. */
export function problemText(status: number, error: unknown): string {
  if (typeof error === 'string') return error.trim().slice(0, 300) || `HTTP ${status}`;
  const problem = (error ?? {}) as Partial<ProblemDto>;
  const fields = problem['invalid-params']?.map((param) => `${param.name}: ${param.reason}`).join('; ');
  return fields || problem.detail || problem.title || `HTTP ${status}`;
}

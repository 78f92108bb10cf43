export class AdminApiError extends Error {
  constructor(
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
}

/** The gateway's admin API over HTTP (the CLI holds no rules of its own: the gateway decides). */
export class AdminClient {
  constructor(private readonly options: AdminClientOptions) {}

  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- answers are printed or picked apart by the commands
  async call<T = any>(method: string, path: string, body?: unknown): Promise<T> {
    if (!this.options.token) throw new AdminApiError(0, 'no admin token: set OFFRAMP_ADMIN_TOKEN (the gateway’s GATEWAY_ADMIN_TOKEN)');
    let response: Response;
    try {
      response = await fetch(`${this.options.adminUrl.replace(/\/$/, '')}/_offramp/admin${path}`, {
        method,
        headers: { authorization: `Bearer ${this.options.token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(30_000),
      });
    } catch (error) {
      throw new AdminApiError(0, `cannot reach the gateway's admin listener at ${this.options.adminUrl} (${(error as Error).message}); set OFFRAMP_ADMIN_URL`);
    }
    const text = await response.text();
    const json = text ? safeJson(text) : undefined;
    if (!response.ok) {
      const problem = json as { detail?: string; title?: string; invalidParams?: { name: string; reason: string }[] } | undefined;
      const fields = problem?.invalidParams?.map((param) => `${param.name}: ${param.reason}`).join('; ');
      throw new AdminApiError(response.status, fields || problem?.detail || problem?.title || `HTTP ${response.status}`);
    }
    return json as T;
  }
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return { detail: text.slice(0, 300) };
  }
}

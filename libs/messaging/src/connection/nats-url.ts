export interface NatsServerSettings {
  servers: string[];
  user?: string;
  pass?: string;
  token?: string;
}

export class InvalidNatsUrlError extends Error {
  constructor(reason: string) {
    super(`${reason}; expected nats://host:4222 (optionally nats://user:pass@host:4222 or nats://token@host:4222, several comma-separated)`);
    this.name = 'InvalidNatsUrlError';
  }
}

const SCHEMES = new Set(['nats:', 'tls:', 'ws:', 'wss:']);

/** Reads `NATS_URL`: one or more servers, credentials taken from the first one that has them. */
export function parseNatsUrl(raw: string): NatsServerSettings {
  const parts = raw
    .split(',')
    .map((part) => part.trim())
    .filter(Boolean);
  if (parts.length === 0) throw new InvalidNatsUrlError('empty value');
  const settings: NatsServerSettings = { servers: [] };
  for (const part of parts) {
    let url: URL;
    try {
      url = new URL(part);
    } catch {
      throw new InvalidNatsUrlError(`"${part}" is not a URL`);
    }
    if (!SCHEMES.has(url.protocol)) throw new InvalidNatsUrlError(`unsupported scheme "${url.protocol}" in "${part}"`);
    if (!url.hostname) throw new InvalidNatsUrlError(`no host in "${part}"`);
    if (url.port && (Number(url.port) < 1 || Number(url.port) > 65_535)) throw new InvalidNatsUrlError(`bad port in "${part}"`);
    if (url.username && url.password && !settings.user) {
      settings.user = decodeURIComponent(url.username);
      settings.pass = decodeURIComponent(url.password);
    } else if (url.username && !url.password && !settings.token) {
      settings.token = decodeURIComponent(url.username);
    }
    settings.servers.push(`${url.protocol}//${url.host}`);
  }
  return settings;
}

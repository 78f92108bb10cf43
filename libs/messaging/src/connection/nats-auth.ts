import { readFileSync } from 'node:fs';
import { credsAuthenticator, nkeyAuthenticator, type Authenticator } from '@nats-io/transport-node';

/**
 * Credentials and TLS beyond what `NATS_URL` carries (user:pass@ or token@). Files, not inline
 * secrets, so they can come from mounted Kubernetes secrets and rotate without a restart.
 */
export interface NatsSecuritySettings {
  /** A `.creds` file (JWT + nkey seed), as `nsc` writes it. */
  credsFile?: string;
  /** A file holding an nkey user seed (`SU…`). */
  nkeySeedFile?: string;
  tls?: {
    caFile?: string;
    certFile?: string;
    keyFile?: string;
  };
}

export class InvalidNatsSecurityError extends Error {
  constructor(reason: string) {
    super(reason);
    this.name = 'InvalidNatsSecurityError';
  }
}

/** Checks the files once at start-up so a typo fails fast, with the variable to fix. */
export function checkNatsSecurity(settings: NatsSecuritySettings): void {
  if (settings.credsFile && settings.nkeySeedFile) {
    throw new InvalidNatsSecurityError('NATS_CREDS_FILE and NATS_NKEY_SEED_FILE are mutually exclusive: a .creds file already holds the nkey seed');
  }
  const files: Array<[string, string | undefined]> = [
    ['NATS_CREDS_FILE', settings.credsFile],
    ['NATS_NKEY_SEED_FILE', settings.nkeySeedFile],
    ['NATS_TLS_CA_FILE', settings.tls?.caFile],
    ['NATS_TLS_CERT_FILE', settings.tls?.certFile],
    ['NATS_TLS_KEY_FILE', settings.tls?.keyFile],
  ];
  for (const [variable, file] of files) {
    if (file === undefined) continue;
    try {
      readFileSync(file);
    } catch (error) {
      throw new InvalidNatsSecurityError(`${variable}: cannot read ${file} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
    }
  }
  if (Boolean(settings.tls?.certFile) !== Boolean(settings.tls?.keyFile)) {
    throw new InvalidNatsSecurityError('NATS_TLS_CERT_FILE and NATS_TLS_KEY_FILE go together (client certificate and its key)');
  }
  if (settings.nkeySeedFile && !readFileSync(settings.nkeySeedFile, 'utf8').trim().startsWith('SU')) {
    throw new InvalidNatsSecurityError(`NATS_NKEY_SEED_FILE: ${settings.nkeySeedFile} does not hold a user nkey seed (SU…)`);
  }
}

/** Connection options for nats.js: authenticators re-read their file on every (re)connect. */
export function natsSecurityOptions(settings: NatsSecuritySettings): { authenticator?: Authenticator; tls?: Record<string, string> } {
  const options: { authenticator?: Authenticator; tls?: Record<string, string> } = {};
  if (settings.credsFile) {
    const file = settings.credsFile;
    options.authenticator = credsAuthenticator(() => readFileSync(file));
  } else if (settings.nkeySeedFile) {
    const file = settings.nkeySeedFile;
    options.authenticator = nkeyAuthenticator(() => new TextEncoder().encode(readFileSync(file, 'utf8').trim()));
  }
  const tls = settings.tls;
  if (tls && (tls.caFile || tls.certFile)) {
    options.tls = Object.fromEntries(Object.entries(tls).filter(([, value]) => value !== undefined)) as Record<string, string>;
  }
  return options;
}

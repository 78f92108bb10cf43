import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Keys shared by the local stack, made once and kept in the git-ignored data folder so sessions
 * and signed tokens survive a restart. Production sets these variables itself.
 */
export interface StackSecrets {
  APP_KEY: string;
  /** Kept for stacks made before EdDSA; no service is given it any more. */
  IDENTITY_TOKEN_SECRET: string;
  /** Ed25519, PKCS#8 PEM: the gateway's alone. */
  IDENTITY_TOKEN_PRIVATE_KEY: string;
  /** Ed25519, SPKI PEM: what the slices verify with. */
  IDENTITY_TOKEN_PUBLIC_KEY: string;
  /** Also read by `npx offramp` when OFFRAMP_ADMIN_TOKEN is not set. */
  GATEWAY_ADMIN_TOKEN: string;
  /** The payment provider's signing secret: the monolith and the integrations slice check webhooks with it. */
  PAYMENT_WEBHOOK_SECRET: string;
  /** The integrations slice's partner admin API; also read by `npx offramp partners` when OFFRAMP_INTEGRATIONS_TOKEN is not set. */
  INTEGRATIONS_ADMIN_TOKEN: string;
  /** The pipelines slice's jobs admin API; the gateway relays it to the dashboard with this token. */
  PIPELINES_ADMIN_TOKEN: string;
}

export function loadOrCreateSecrets(dataDir: string): StackSecrets {
  const file = join(dataDir, 'stack-secrets.json');
  const kept: Partial<StackSecrets> = existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) : {};
  const identity =
    kept.IDENTITY_TOKEN_PRIVATE_KEY && kept.IDENTITY_TOKEN_PUBLIC_KEY
      ? { privateKey: kept.IDENTITY_TOKEN_PRIVATE_KEY, publicKey: kept.IDENTITY_TOKEN_PUBLIC_KEY }
      : generateKeyPairSync('ed25519', { privateKeyEncoding: { type: 'pkcs8', format: 'pem' }, publicKeyEncoding: { type: 'spki', format: 'pem' } });
  // Keys added by a newer version are made once too; existing ones are never replaced.
  const secrets: StackSecrets = {
    APP_KEY: kept.APP_KEY ?? `base64:${randomBytes(32).toString('base64')}`,
    IDENTITY_TOKEN_SECRET: kept.IDENTITY_TOKEN_SECRET ?? randomBytes(32).toString('base64url'),
    IDENTITY_TOKEN_PRIVATE_KEY: identity.privateKey,
    IDENTITY_TOKEN_PUBLIC_KEY: identity.publicKey,
    GATEWAY_ADMIN_TOKEN: kept.GATEWAY_ADMIN_TOKEN ?? randomBytes(24).toString('base64url'),
    PAYMENT_WEBHOOK_SECRET: kept.PAYMENT_WEBHOOK_SECRET ?? `whsec_${randomBytes(24).toString('base64url')}`,
    INTEGRATIONS_ADMIN_TOKEN: kept.INTEGRATIONS_ADMIN_TOKEN ?? randomBytes(24).toString('base64url'),
    PIPELINES_ADMIN_TOKEN: kept.PIPELINES_ADMIN_TOKEN ?? randomBytes(24).toString('base64url'),
  };
  if (Object.keys(kept).length !== Object.keys(secrets).length) writeFileSync(file, `${JSON.stringify(secrets, null, 2)}\n`, { mode: 0o600 });
  return secrets;
}

/**
 * What each local service is given, as production gives it (docker/k8s/base): APP_KEY to the
 * monolith and the gateway, the identity private key and the admin token to the gateway, the
 * public key to the slices, the payment webhook secret to the monolith and integrations. EdDSA
 * locally too, so no slice holds a key that signs identities.
 * A variable set in the environment of `npm start` wins, as before.
 */
export function secretsFor(service: string, secrets: StackSecrets, env: NodeJS.ProcessEnv = process.env): Record<string, string> {
  const slice = { IDENTITY_TOKEN_ALG: 'EdDSA', IDENTITY_TOKEN_PUBLIC_KEY: secrets.IDENTITY_TOKEN_PUBLIC_KEY };
  const byService: Record<string, Record<string, string>> = {
    legacy: { APP_KEY: secrets.APP_KEY, PAYMENT_WEBHOOK_SECRET: secrets.PAYMENT_WEBHOOK_SECRET },
    gateway: {
      APP_KEY: secrets.APP_KEY,
      GATEWAY_ADMIN_TOKEN: secrets.GATEWAY_ADMIN_TOKEN,
      IDENTITY_TOKEN_ALG: 'EdDSA',
      IDENTITY_TOKEN_PRIVATE_KEY: secrets.IDENTITY_TOKEN_PRIVATE_KEY,
      // the slices' admin tokens, for the dashboard's relay of their admin APIs
      GATEWAY_PIPELINES_ADMIN_TOKEN: secrets.PIPELINES_ADMIN_TOKEN,
      GATEWAY_INTEGRATIONS_ADMIN_TOKEN: secrets.INTEGRATIONS_ADMIN_TOKEN,
    },
    // the sales report's HTTP endpoint needs the identity key: on wherever the slice is given it
    pipelines: { ...slice, PIPELINES_ADMIN_TOKEN: secrets.PIPELINES_ADMIN_TOKEN, SALES_REPORT_HTTP_ENABLED: 'true' },
    integrations: { ...slice, PAYMENT_WEBHOOK_SECRET: secrets.PAYMENT_WEBHOOK_SECRET, INTEGRATIONS_ADMIN_TOKEN: secrets.INTEGRATIONS_ADMIN_TOKEN },
  };
  const given = byService[service] ?? slice;
  return Object.fromEntries(Object.entries(given).map(([variable, value]) => [variable, env[variable] || value]));
}

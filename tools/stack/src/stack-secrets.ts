import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Keys shared by the local stack, made once and kept in the git-ignored data folder so sessions
 * and signed tokens survive a restart. Production sets these variables itself.
 */
export interface StackSecrets {
  APP_KEY: string;
  IDENTITY_TOKEN_SECRET: string;
  /** Also read by `npx offramp` when OFFRAMP_ADMIN_TOKEN is not set. */
  GATEWAY_ADMIN_TOKEN: string;
}

export function loadOrCreateSecrets(dataDir: string): StackSecrets {
  const file = join(dataDir, 'stack-secrets.json');
  const kept: Partial<StackSecrets> = existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) : {};
  // Keys added by a newer version are made once too; existing ones are never replaced.
  const secrets: StackSecrets = {
    APP_KEY: kept.APP_KEY ?? `base64:${randomBytes(32).toString('base64')}`,
    IDENTITY_TOKEN_SECRET: kept.IDENTITY_TOKEN_SECRET ?? randomBytes(32).toString('base64url'),
    GATEWAY_ADMIN_TOKEN: kept.GATEWAY_ADMIN_TOKEN ?? randomBytes(24).toString('base64url'),
  };
  if (Object.keys(kept).length !== Object.keys(secrets).length) writeFileSync(file, `${JSON.stringify(secrets, null, 2)}\n`, { mode: 0o600 });
  return secrets;
}

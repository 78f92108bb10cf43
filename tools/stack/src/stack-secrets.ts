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
}

export function loadOrCreateSecrets(dataDir: string): StackSecrets {
  const file = join(dataDir, 'stack-secrets.json');
  if (existsSync(file)) return JSON.parse(readFileSync(file, 'utf8')) as StackSecrets;
  const secrets: StackSecrets = {
    APP_KEY: `base64:${randomBytes(32).toString('base64')}`,
    IDENTITY_TOKEN_SECRET: randomBytes(32).toString('base64url'),
  };
  writeFileSync(file, `${JSON.stringify(secrets, null, 2)}\n`, { mode: 0o600 });
  return secrets;
}

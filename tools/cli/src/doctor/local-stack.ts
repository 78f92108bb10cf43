import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

export interface LocalStackDefaults {
  env: NodeJS.ProcessEnv;
  /** The variables taken from the local stack, for the report. */
  filled: string[];
  file?: string;
}

/**
 * Run from the repo root after `npm start`, the doctor reads what the stack gave the gateway:
 * the keys `npm start` made once in $OFFRAMP_DATA_DIR/stack-secrets.json (data/ by default), for
 * the variables the environment leaves unset, as `npx offramp routes` finds the admin token there.
 * An explicit value always wins; elsewhere (no such file) nothing changes.
 */
export function withLocalStackDefaults(env: NodeJS.ProcessEnv): LocalStackDefaults {
  const dataDir = env['OFFRAMP_DATA_DIR'] || 'data';
  const file = join(dataDir, 'stack-secrets.json');
  let secrets: { APP_KEY?: string; IDENTITY_TOKEN_PRIVATE_KEY?: string };
  try {
    secrets = JSON.parse(readFileSync(file, 'utf8')) as typeof secrets;
  } catch {
    return { env, filled: [] };
  }
  const filled: Record<string, string> = {};
  const unset = (variable: string) => !env[variable];
  if (unset('APP_KEY') && secrets.APP_KEY) filled['APP_KEY'] = secrets.APP_KEY;
  // The stack signs with EdDSA (tools/stack secretsFor); a key set in the environment is another setup.
  const identitySet = ['IDENTITY_TOKEN_ALG', 'IDENTITY_TOKEN_SECRET', 'IDENTITY_TOKEN_PRIVATE_KEY', 'IDENTITY_TOKEN_PUBLIC_KEY'].some(
    (variable) => !unset(variable),
  );
  if (!identitySet && secrets.IDENTITY_TOKEN_PRIVATE_KEY) {
    filled['IDENTITY_TOKEN_ALG'] = 'EdDSA';
    filled['IDENTITY_TOKEN_PRIVATE_KEY'] = secrets.IDENTITY_TOKEN_PRIVATE_KEY;
  }
  // npm start keeps the shared SQLite file in its data folder.
  if (unset('DATABASE_URL') && env['OFFRAMP_DATA_DIR']) filled['DATABASE_URL'] = `sqlite://${resolve(dataDir, 'offramp.sqlite')}`;
  return { env: { ...env, ...filled }, filled: Object.keys(filled), file };
}

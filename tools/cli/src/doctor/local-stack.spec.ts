import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { withLocalStackDefaults } from './local-stack.js';

describe("the doctor's local-stack defaults", () => {
  let dataDir: string;
  const { privateKey } = generateKeyPairSync('ed25519', {
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
    publicKeyEncoding: { type: 'spki', format: 'pem' },
  });

  beforeEach(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'offramp-doctor-stack-'));
    writeFileSync(
      join(dataDir, 'stack-secrets.json'),
      JSON.stringify({ APP_KEY: 'base64:stack', IDENTITY_TOKEN_PRIVATE_KEY: privateKey, GATEWAY_ADMIN_TOKEN: 'x'.repeat(20) }),
    );
  });
  afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

  it('fills what npm start gave the gateway when the environment leaves it unset', () => {
    const { env, filled } = withLocalStackDefaults({ OFFRAMP_DATA_DIR: dataDir });
    expect(filled).toEqual(['APP_KEY', 'IDENTITY_TOKEN_ALG', 'IDENTITY_TOKEN_PRIVATE_KEY', 'DATABASE_URL']);
    expect(env).toMatchObject({
      APP_KEY: 'base64:stack',
      IDENTITY_TOKEN_ALG: 'EdDSA',
      IDENTITY_TOKEN_PRIVATE_KEY: privateKey,
      DATABASE_URL: `sqlite://${join(dataDir, 'offramp.sqlite')}`,
    });
  });

  it('never overrides a variable that is set, and leaves the identity keys to an environment that sets any of them', () => {
    const { env, filled } = withLocalStackDefaults({
      OFFRAMP_DATA_DIR: dataDir,
      APP_KEY: 'base64:mine',
      IDENTITY_TOKEN_SECRET: 's'.repeat(32),
      DATABASE_URL: 'mysql://db/shop',
    });
    expect(filled).toEqual([]);
    expect(env).toEqual({ OFFRAMP_DATA_DIR: dataDir, APP_KEY: 'base64:mine', IDENTITY_TOKEN_SECRET: 's'.repeat(32), DATABASE_URL: 'mysql://db/shop' });
  });

  it('changes nothing where there is no local stack', () => {
    const env = { OFFRAMP_DATA_DIR: join(dataDir, 'none') };
    expect(withLocalStackDefaults(env)).toEqual({ env, filled: [] });
  });
});

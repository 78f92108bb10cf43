import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createUser } from '@nats-io/nkeys';
import { tempDir, type TempDir } from '@offramp/testing';
import { checkNatsSecurity, InvalidNatsSecurityError, natsSecurityOptions } from './nats-auth.js';

describe('NATS credentials and TLS files', () => {
  let dir: TempDir;
  let seedFile: string;

  beforeAll(() => {
    dir = tempDir('offramp-nats-auth-');
    seedFile = join(dir.path, 'user.nk');
    writeFileSync(seedFile, `${new TextDecoder().decode(createUser().getSeed())}\n`);
    writeFileSync(join(dir.path, 'ca.pem'), 'not checked here');
  });
  afterAll(() => dir.remove());

  it('accepts an nkey seed file and builds an authenticator from it', () => {
    expect(() => checkNatsSecurity({ nkeySeedFile: seedFile })).not.toThrow();
    expect(typeof natsSecurityOptions({ nkeySeedFile: seedFile }).authenticator).toBe('function');
  });

  it('names the variable of a file it cannot read', () => {
    expect(() => checkNatsSecurity({ credsFile: join(dir.path, 'missing.creds') })).toThrow(/^NATS_CREDS_FILE: cannot read .*missing\.creds \(ENOENT\)/);
  });

  it('refuses a seed file that holds no user seed, and creds with an nkey at once', () => {
    expect(() => checkNatsSecurity({ nkeySeedFile: join(dir.path, 'ca.pem') })).toThrow(/does not hold a user nkey seed/);
    expect(() => checkNatsSecurity({ credsFile: seedFile, nkeySeedFile: seedFile })).toThrow(InvalidNatsSecurityError);
  });

  it('wants a client certificate and its key together, and passes TLS files to nats.js', () => {
    expect(() => checkNatsSecurity({ tls: { certFile: join(dir.path, 'ca.pem') } })).toThrow(/go together/);
    expect(natsSecurityOptions({ tls: { caFile: join(dir.path, 'ca.pem') } }).tls).toEqual({ caFile: join(dir.path, 'ca.pem') });
    expect(natsSecurityOptions({})).toEqual({});
  });
});

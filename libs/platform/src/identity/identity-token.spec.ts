import { generateKeyPairSync } from 'node:crypto';
import { SignJWT } from 'jose';
import { ConfigError } from '../config/config-error.js';
import type { IdentityGrant, OfframpIdentity } from './identity.js';
import { identityKeysFromConfig, type IdentityConfig } from './identity-keys.js';
import { IdentityTokenSigner, IdentityTokenVerifier } from './identity-token.js';
import { IdentityModule } from './identity.module.js';

const alice: OfframpIdentity = { userId: '42', email: 'alice@example.test', name: 'Alice', roles: ['customer'], source: 'laravel-session' };
const hs256: IdentityConfig = { IDENTITY_TOKEN_ALG: 'HS256', IDENTITY_TOKEN_SECRET: 'a'.repeat(32), IDENTITY_TOKEN_TTL_S: 60 };
const forApi: IdentityGrant = { audience: 'api', csrfVerified: false };
const verifierFor = (config: IdentityConfig, audience = 'api') => new IdentityTokenVerifier(identityKeysFromConfig(config, 'verify'), audience);

function ed25519(): IdentityConfig {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  return {
    IDENTITY_TOKEN_ALG: 'EdDSA',
    IDENTITY_TOKEN_PRIVATE_KEY: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    IDENTITY_TOKEN_PUBLIC_KEY: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    IDENTITY_TOKEN_TTL_S: 60,
  };
}

describe('identity token', () => {
  it.each([
    ['HS256', hs256],
    ['EdDSA', ed25519()],
  ])('round-trips the identity with %s', async (_alg, config) => {
    const token = await new IdentityTokenSigner(identityKeysFromConfig(config, 'sign')).sign(alice, forApi);
    await expect(verifierFor(config).verify(token)).resolves.toEqual({ ...alice, csrfVerified: false });
  });

  it.each([
    ['HS256', hs256],
    ['EdDSA', ed25519()],
  ])('with %s, refuses a token for api in integrations (one audience per slice)', async (_alg, config) => {
    const token = await new IdentityTokenSigner(identityKeysFromConfig(config, 'sign')).sign(alice, forApi);
    await expect(verifierFor(config, 'integrations').verify(token)).resolves.toBeUndefined();
    await expect(verifierFor(config, 'api').verify(token)).resolves.toMatchObject({ userId: '42' });
  });

  it('refuses a token with a list of audiences, even one that names this slice', async () => {
    const keys = identityKeysFromConfig(hs256, 'sign');
    const token = await new SignJWT({ roles: [] })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('42')
      .setIssuer('offramp-gateway')
      .setAudience(['api', 'integrations'])
      .setIssuedAt()
      .setExpirationTime('60s')
      .sign(keys.verificationKey);
    await expect(verifierFor(hs256, 'api').verify(token)).resolves.toBeUndefined();
  });

  it('carries whether the gateway made the CSRF check (claim csrf, false unless true)', async () => {
    const signer = new IdentityTokenSigner(identityKeysFromConfig(hs256, 'sign'));
    await expect(verifierFor(hs256).verify(await signer.sign(alice, { audience: 'api', csrfVerified: true }))).resolves.toMatchObject({ csrfVerified: true });
    const [, payload] = (await signer.sign(alice, { audience: 'api', csrfVerified: true })).split('.');
    expect(JSON.parse(Buffer.from(payload, 'base64url').toString())).toMatchObject({ aud: 'api', csrf: true });
    const keys = identityKeysFromConfig(hs256, 'sign');
    const withoutClaim = await new SignJWT({ roles: [] })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('42')
      .setIssuer('offramp-gateway')
      .setAudience('api')
      .setIssuedAt()
      .setExpirationTime('60s')
      .sign(keys.verificationKey);
    await expect(verifierFor(hs256).verify(withoutClaim)).resolves.toMatchObject({ csrfVerified: false });
  });

  it('rejects a token whose payload was changed', async () => {
    const token = await new IdentityTokenSigner(identityKeysFromConfig(hs256, 'sign')).sign(alice, forApi);
    const [header, payload, signature] = token.split('.');
    const forged = Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(payload, 'base64url').toString()), sub: '1' })).toString('base64url');
    await expect(verifierFor(hs256).verify(`${header}.${forged}.${signature}`)).resolves.toBeUndefined();
  });

  it('rejects a token signed with another key', async () => {
    const token = await new IdentityTokenSigner(identityKeysFromConfig({ ...hs256, IDENTITY_TOKEN_SECRET: 'b'.repeat(32) }, 'sign')).sign(alice, forApi);
    await expect(verifierFor(hs256).verify(token)).resolves.toBeUndefined();
  });

  it('rejects an expired token', async () => {
    const keys = identityKeysFromConfig(hs256, 'sign');
    const expired = await new SignJWT({ roles: [] })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('42')
      .setIssuer('offramp-gateway')
      .setAudience('api')
      .setIssuedAt(Math.floor(Date.now() / 1000) - 120)
      .setExpirationTime(Math.floor(Date.now() / 1000) - 60)
      .sign(keys.verificationKey);
    await expect(new IdentityTokenVerifier(keys, 'api').verify(expired)).resolves.toBeUndefined();
  });

  it('rejects an unsigned token and garbage', async () => {
    const verifier = verifierFor(hs256);
    const none = `${Buffer.from('{"alg":"none"}').toString('base64url')}.${Buffer.from('{"sub":"1"}').toString('base64url')}.`;
    await expect(verifier.verify(none)).resolves.toBeUndefined();
    await expect(verifier.verify('not-a-token')).resolves.toBeUndefined();
  });

  it('names IDENTITY_TOKEN_AUDIENCE when a verifying module has none', () => {
    expect(() => IdentityModule.forVerification(hs256)).toThrow(/^IDENTITY_TOKEN_AUDIENCE: expected /);
    expect(IdentityModule.forVerification({ ...hs256, IDENTITY_TOKEN_AUDIENCE: 'api' }).exports).toContain(IdentityTokenVerifier);
  });

  it('names the missing variable when keys are not configured', () => {
    expect(() => identityKeysFromConfig({ IDENTITY_TOKEN_ALG: 'HS256', IDENTITY_TOKEN_TTL_S: 60 }, 'verify')).toThrow(ConfigError);
    expect(() => identityKeysFromConfig({ IDENTITY_TOKEN_ALG: 'EdDSA', IDENTITY_TOKEN_TTL_S: 60 }, 'sign')).toThrow(/^IDENTITY_TOKEN_PRIVATE_KEY: /);
    expect(() => identityKeysFromConfig({ IDENTITY_TOKEN_ALG: 'EdDSA', IDENTITY_TOKEN_PUBLIC_KEY: 'nope', IDENTITY_TOKEN_TTL_S: 60 }, 'verify')).toThrow(
      /^IDENTITY_TOKEN_PUBLIC_KEY: expected an Ed25519 public key/,
    );
  });
});

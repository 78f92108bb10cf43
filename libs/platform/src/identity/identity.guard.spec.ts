import { Controller, Get, Module, UseGuards } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { Test } from '@nestjs/testing';
import { ProblemDetailsFilter } from '../errors/problem-details.filter.js';
import { IDENTITY_HEADER, type OfframpIdentity } from './identity.js';
import { CurrentIdentity, IdentityGuard } from './identity.guard.js';
import { identityKeysFromConfig } from './identity-keys.js';
import { IdentityTokenSigner } from './identity-token.js';
import { IdentityModule } from './identity.module.js';

// The slice under test is `integrations`: it accepts tokens for itself, not those for `api`.
const config = {
  IDENTITY_TOKEN_ALG: 'HS256' as const,
  IDENTITY_TOKEN_SECRET: 's'.repeat(40),
  IDENTITY_TOKEN_TTL_S: 30,
  IDENTITY_TOKEN_AUDIENCE: 'integrations',
};
const forIntegrations = { audience: 'integrations', csrfVerified: false };

@Controller('me')
@UseGuards(IdentityGuard)
class MeController {
  @Get()
  me(@CurrentIdentity() identity: OfframpIdentity) {
    return identity;
  }
}

@Module({
  imports: [IdentityModule.forVerification(config)],
  controllers: [MeController],
  providers: [{ provide: APP_FILTER, useClass: ProblemDetailsFilter }],
})
class SliceModule {}

describe('IdentityGuard (in-process Fastify)', () => {
  let app: NestFastifyApplication;
  const signer = new IdentityTokenSigner(identityKeysFromConfig(config, 'sign'));

  beforeAll(async () => {
    const moduleRef = await Test.createTestingModule({ imports: [SliceModule] }).compile();
    app = moduleRef.createNestApplication<NestFastifyApplication>(new FastifyAdapter(), { logger: false });
    await app.init();
    await app.getHttpAdapter().getInstance().ready();
  });

  afterAll(() => app.close());

  it('lets a caller with the gateway’s token through and hands the identity to the handler', async () => {
    const identity: OfframpIdentity = { userId: '7', roles: ['admin'], source: 'whoami', email: undefined, name: undefined };
    const response = await app.inject({ url: '/me', headers: { [IDENTITY_HEADER]: await signer.sign(identity, forIntegrations) } });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ userId: '7', roles: ['admin'], source: 'whoami', csrfVerified: false });
  });

  it('answers 401 for a valid token the gateway signed for another slice (api)', async () => {
    const identity: OfframpIdentity = { userId: '7', roles: ['admin'], source: 'whoami' };
    const response = await app.inject({ url: '/me', headers: { [IDENTITY_HEADER]: await signer.sign(identity, { audience: 'api', csrfVerified: true }) } });
    expect(response.statusCode).toBe(401);
    expect(response.json().detail).toBe('the identity token is invalid or expired');
  });

  it('answers 401 problem+json without a token', async () => {
    const response = await app.inject({ url: '/me' });
    expect(response.statusCode).toBe(401);
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(response.json()).toMatchObject({ status: 401, detail: 'no identity token' });
  });

  it('answers 401 for a raw Laravel cookie or a forged token', async () => {
    const cookie = await app.inject({ url: '/me', headers: { cookie: 'laravel_session=eyJpdiI6Ij' } });
    expect(cookie.statusCode).toBe(401);
    const forged = await app.inject({ url: '/me', headers: { [IDENTITY_HEADER]: 'eyJhbGciOiJub25lIn0.eyJzdWIiOiIxIn0.' } });
    expect(forged.statusCode).toBe(401);
    expect(forged.json().detail).toBe('the identity token is invalid or expired');
  });
});

import { type DynamicModule, Module } from '@nestjs/common';
import { IdentityGuard } from './identity.guard.js';
import { identityAudienceFromConfig, identityKeysFromConfig, type IdentityConfig } from './identity-keys.js';
import { IdentityTokenSigner, IdentityTokenVerifier } from './identity-token.js';

/**
 * Import `IdentityModule.forVerification(config)` in a slice (then `@UseGuards(IdentityGuard)`): it
 * accepts tokens for `IDENTITY_TOKEN_AUDIENCE` (the service's name unless set) and no other.
 * `IdentityModule.forSigning(config)` in the gateway. Missing keys stop start-up with a ConfigError.
 */
@Module({})
export class IdentityModule {
  static forVerification(config: IdentityConfig): DynamicModule {
    const verifier = new IdentityTokenVerifier(identityKeysFromConfig(config, 'verify'), identityAudienceFromConfig(config));
    return {
      module: IdentityModule,
      providers: [{ provide: IdentityTokenVerifier, useValue: verifier }, IdentityGuard],
      exports: [IdentityTokenVerifier, IdentityGuard],
    };
  }

  static forSigning(config: IdentityConfig): DynamicModule {
    const keys = identityKeysFromConfig(config, 'sign');
    return {
      module: IdentityModule,
      providers: [{ provide: IdentityTokenSigner, useValue: new IdentityTokenSigner(keys) }],
      exports: [IdentityTokenSigner],
    };
  }
}

import { type DynamicModule, Module } from '@nestjs/common';
import { IdentityGuard } from './identity.guard.js';
import { identityKeysFromConfig, type IdentityConfig } from './identity-keys.js';
import { IdentityTokenSigner, IdentityTokenVerifier } from './identity-token.js';

/**
 * Import `IdentityModule.forVerification(config)` in a slice (then `@UseGuards(IdentityGuard)`),
 * `IdentityModule.forSigning(config)` in the gateway. Missing keys stop start-up with a ConfigError.
 */
@Module({})
export class IdentityModule {
  static forVerification(config: IdentityConfig): DynamicModule {
    const keys = identityKeysFromConfig(config, 'verify');
    return {
      module: IdentityModule,
      providers: [{ provide: IdentityTokenVerifier, useValue: new IdentityTokenVerifier(keys) }, IdentityGuard],
      exports: [IdentityTokenVerifier, IdentityGuard],
    };
  }

  static forSigning(config: IdentityConfig): DynamicModule {
    const keys = identityKeysFromConfig(config, 'sign');
    return {
      module: IdentityModule,
      providers: [
        { provide: IdentityTokenSigner, useValue: new IdentityTokenSigner(keys) },
        { provide: IdentityTokenVerifier, useValue: new IdentityTokenVerifier(keys) },
      ],
      exports: [IdentityTokenSigner, IdentityTokenVerifier],
    };
  }
}

import { createSecretKey, createPrivateKey, createPublicKey, type KeyObject } from 'node:crypto';
import { z } from 'zod';
import { ConfigError } from '../config/config-error.js';

const AUDIENCE_DESCRIPTION = "the audience this slice accepts: its name in the gateway's GATEWAY_SERVICES (letters, digits, _ . -; default: the service name)";

/** The `aud` a slice accepts; `serviceConfigSchema` defaults it to the service's name. */
export const identityAudience = z.string().regex(/^[A-Za-z0-9_.-]{1,64}$/);

/** The same variable with the service's name as its default (the one shape every service validates). */
export function identityAudienceWithDefault(service: string) {
  return identityAudience.default(service).describe(AUDIENCE_DESCRIPTION);
}

export const identityConfigShape = {
  IDENTITY_TOKEN_ALG: z.enum(['HS256', 'EdDSA']).default('HS256').describe('HS256 or EdDSA'),
  IDENTITY_TOKEN_SECRET: z.string().min(32).optional().describe('a shared secret of at least 32 characters (HS256)'),
  IDENTITY_TOKEN_PRIVATE_KEY: z.string().optional().describe('an Ed25519 private key, PKCS#8 PEM (EdDSA, gateway only)'),
  IDENTITY_TOKEN_PUBLIC_KEY: z.string().optional().describe('an Ed25519 public key, SPKI PEM (EdDSA)'),
  IDENTITY_TOKEN_TTL_S: z.coerce.number().int().min(5).max(3_600).default(60).describe('seconds (5-3600)'),
  IDENTITY_TOKEN_AUDIENCE: identityAudience.optional().describe(AUDIENCE_DESCRIPTION),
};

export type IdentityConfig = z.infer<z.ZodObject<typeof identityConfigShape>>;

export interface IdentityKeys {
  alg: 'HS256' | 'EdDSA';
  signingKey?: KeyObject;
  verificationKey: KeyObject;
  ttlSeconds: number;
}

export const TOKEN_ISSUER = 'offramp-gateway';

/** The audience a verifying service checks; a ConfigError naming the variable when there is none. */
export function identityAudienceFromConfig(config: IdentityConfig): string {
  if (!config.IDENTITY_TOKEN_AUDIENCE) throw new ConfigError('IDENTITY_TOKEN_AUDIENCE', `expected ${AUDIENCE_DESCRIPTION} (it is not set)`);
  return config.IDENTITY_TOKEN_AUDIENCE;
}

/** Keys for the identity token; a missing or unusable key is a ConfigError naming the variable. */
export function identityKeysFromConfig(config: IdentityConfig, role: 'sign' | 'verify'): IdentityKeys {
  const ttlSeconds = config.IDENTITY_TOKEN_TTL_S;
  if (config.IDENTITY_TOKEN_ALG === 'HS256') {
    if (!config.IDENTITY_TOKEN_SECRET) {
      throw new ConfigError('IDENTITY_TOKEN_SECRET', 'expected a shared secret of at least 32 characters (HS256) (it is not set)');
    }
    const key = createSecretKey(Buffer.from(config.IDENTITY_TOKEN_SECRET, 'utf8'));
    return { alg: 'HS256', signingKey: key, verificationKey: key, ttlSeconds };
  }
  const signingKey = role === 'sign' ? pem('IDENTITY_TOKEN_PRIVATE_KEY', config.IDENTITY_TOKEN_PRIVATE_KEY, createPrivateKey) : undefined;
  const verificationKey = config.IDENTITY_TOKEN_PUBLIC_KEY
    ? pem('IDENTITY_TOKEN_PUBLIC_KEY', config.IDENTITY_TOKEN_PUBLIC_KEY, createPublicKey)
    : signingKey
      ? createPublicKey(signingKey)
      : pem('IDENTITY_TOKEN_PUBLIC_KEY', undefined, createPublicKey);
  return { alg: 'EdDSA', signingKey, verificationKey, ttlSeconds };
}

function pem(variable: string, value: string | undefined, load: (pem: string) => KeyObject): KeyObject {
  const expectation = variable.endsWith('PRIVATE_KEY') ? 'an Ed25519 private key, PKCS#8 PEM' : 'an Ed25519 public key, SPKI PEM';
  if (!value) throw new ConfigError(variable, `expected ${expectation} (it is not set)`);
  try {
    const key = load(value.replace(/\\n/g, '\n'));
    if (key.asymmetricKeyType !== 'ed25519') throw new Error(`a ${key.asymmetricKeyType} key`);
    return key;
  } catch (error) {
    throw new ConfigError(variable, `expected ${expectation} (got ${(error as Error).message.split('\n')[0]})`);
  }
}

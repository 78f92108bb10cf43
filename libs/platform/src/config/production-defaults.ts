import type { z } from 'zod';

export const OFFRAMP_ENVS = ['local', 'production'] as const;
export type OfframpEnv = (typeof OFFRAMP_ENVS)[number];

/**
 * What `OFFRAMP_ENV=production` turns on in every service. A service adds its own with
 * `productionDefaults` in its bootstrapService definition (the gateway: no routing headers, …).
 */
export const PLATFORM_PRODUCTION_DEFAULTS: Readonly<Record<string, string>> = {
  // With HS256 every slice holding the shared secret can mint a token for any user; with EdDSA
  // only the gateway holds the private key and slices get the public one.
  IDENTITY_TOKEN_ALG: 'EdDSA',
};

/**
 * Under `OFFRAMP_ENV=production`, fills each production default the environment leaves unset
 * (an empty value counts as unset, as everywhere in the config). An explicit value always wins:
 * the defaults are defaults, so a team can switch production mode on first and move one setting
 * later. Anything else than `production` changes nothing (and a misspelling fails validation).
 */
export function withProductionDefaults(env: NodeJS.ProcessEnv, serviceDefaults: Readonly<Record<string, string>> = {}): NodeJS.ProcessEnv {
  if (env.OFFRAMP_ENV !== 'production') return env;
  const filled: NodeJS.ProcessEnv = { ...env };
  for (const [variable, value] of Object.entries({ ...PLATFORM_PRODUCTION_DEFAULTS, ...serviceDefaults })) {
    if (filled[variable] === undefined || filled[variable] === '') filled[variable] = value;
  }
  return filled;
}

/** A production default for a variable the service does not read is a typo in its definition. */
export function checkProductionDefaults(schema: z.ZodObject, serviceDefaults: Readonly<Record<string, string>> = {}): void {
  const unknown = Object.keys({ ...PLATFORM_PRODUCTION_DEFAULTS, ...serviceDefaults }).filter((variable) => !(variable in schema.shape));
  if (unknown.length) throw new Error(`productionDefaults name variables the service's config does not have: ${unknown.join(', ')}`);
}

/** Settings that production allows when set explicitly, but that an operator should hear about. */
export function productionWarnings(config: { OFFRAMP_ENV: OfframpEnv; IDENTITY_TOKEN_ALG: string }): string[] {
  if (config.OFFRAMP_ENV !== 'production') return [];
  const warnings: string[] = [];
  if (config.IDENTITY_TOKEN_ALG === 'HS256') {
    warnings.push(
      'IDENTITY_TOKEN_ALG=HS256 under OFFRAMP_ENV=production: every service holding IDENTITY_TOKEN_SECRET can sign identities for any user; unset it for EdDSA',
    );
  }
  return warnings;
}

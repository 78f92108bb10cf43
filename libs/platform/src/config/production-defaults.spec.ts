import { z } from 'zod';
import { createService } from '../bootstrap/bootstrap-service.js';
import { ConfigError } from './config-error.js';
import { checkProductionDefaults, productionWarnings, withProductionDefaults } from './production-defaults.js';
import { loadConfig, serviceConfigSchema, type ServiceConfig } from './service-config.js';

const schema = serviceConfigSchema({ port: 8080, service: 'gateway' }).extend({
  GATEWAY_ROUTING_HEADERS: z.enum(['true', 'false']).default('true').describe('true or false'),
});
const gatewayDefaults = { GATEWAY_ROUTING_HEADERS: 'false' };
const load = (env: NodeJS.ProcessEnv) => loadConfig(schema, withProductionDefaults(env, gatewayDefaults));

describe('production defaults (OFFRAMP_ENV)', () => {
  it('changes nothing locally: OFFRAMP_ENV defaults to local, HS256 and the service’s own defaults stay', () => {
    const config = load({});
    expect(config.OFFRAMP_ENV).toBe('local');
    expect(config.IDENTITY_TOKEN_ALG).toBe('HS256');
    expect(config.GATEWAY_ROUTING_HEADERS).toBe('true');
  });

  it('under production fills the platform’s and the service’s defaults for what is unset or empty', () => {
    expect(load({ OFFRAMP_ENV: 'production' })).toMatchObject({ OFFRAMP_ENV: 'production', IDENTITY_TOKEN_ALG: 'EdDSA', GATEWAY_ROUTING_HEADERS: 'false' });
    expect(load({ OFFRAMP_ENV: 'production', IDENTITY_TOKEN_ALG: '', GATEWAY_ROUTING_HEADERS: '' })).toMatchObject({
      IDENTITY_TOKEN_ALG: 'EdDSA',
      GATEWAY_ROUTING_HEADERS: 'false',
    });
  });

  it('lets an explicit value win, and warns about explicit HS256 under production', () => {
    const config = load({ OFFRAMP_ENV: 'production', IDENTITY_TOKEN_ALG: 'HS256', GATEWAY_ROUTING_HEADERS: 'true' });
    expect(config).toMatchObject({ IDENTITY_TOKEN_ALG: 'HS256', GATEWAY_ROUTING_HEADERS: 'true' });
    expect(productionWarnings(config)).toEqual([expect.stringMatching(/^IDENTITY_TOKEN_ALG=HS256 under OFFRAMP_ENV=production: /)]);
    expect(productionWarnings(load({ OFFRAMP_ENV: 'production' }))).toEqual([]);
    expect(productionWarnings(load({ IDENTITY_TOKEN_ALG: 'HS256' }))).toEqual([]);
  });

  it('stops on a misspelt OFFRAMP_ENV with a line naming it, instead of running without the defaults', () => {
    let error: unknown;
    try {
      load({ OFFRAMP_ENV: 'prod' });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).variable).toBe('OFFRAMP_ENV');
    expect((error as ConfigError).message).toMatch(/^OFFRAMP_ENV: expected local or production .*\(got "prod"\)$/);
  });

  it('refuses a production default for a variable the service does not read (a typo in its definition)', () => {
    expect(() => checkProductionDefaults(schema, gatewayDefaults)).not.toThrow();
    expect(() => checkProductionDefaults(schema, { GATEWAY_ROUTING_HEADER: 'false' })).toThrow(/GATEWAY_ROUTING_HEADER$/);
  });

  it('are applied by createService before validation, with the service’s name as the identity audience', async () => {
    let seen: (ServiceConfig & { FEATURE: string }) | undefined;
    const definition = {
      name: 'integrations',
      defaultPort: 3002,
      config: { FEATURE: z.enum(['loose', 'strict']).default('loose').describe('loose or strict') },
      productionDefaults: { FEATURE: 'strict' },
      imports: (config: ServiceConfig & { FEATURE: string }) => {
        seen = config;
        // Stops start-up before anything listens or connects: only the config is under test.
        throw new ConfigError('FEATURE', 'seen');
      },
    };
    await expect(createService(definition, { OFFRAMP_ENV: 'production' })).rejects.toThrow(ConfigError);
    expect(seen).toMatchObject({ FEATURE: 'strict', IDENTITY_TOKEN_ALG: 'EdDSA', IDENTITY_TOKEN_AUDIENCE: 'integrations' });
    await expect(createService(definition, {})).rejects.toThrow(ConfigError);
    expect(seen).toMatchObject({ FEATURE: 'loose', IDENTITY_TOKEN_ALG: 'HS256', IDENTITY_TOKEN_AUDIENCE: 'integrations' });
    await expect(createService({ ...definition, productionDefaults: { FEATUR: 'strict' } as never }, {})).rejects.toThrow(/FEATUR$/);
  });
});

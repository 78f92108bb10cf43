import { z } from 'zod';
import { ConfigError } from './config-error.js';
import { loadConfig, serviceConfigSchema } from './service-config.js';

const schema = serviceConfigSchema({ port: 3001, service: 'api' });

function errorFor(env: Record<string, string>, extra = schema): ConfigError {
  try {
    loadConfig(extra, env);
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('loadConfig', () => {
  it('fills defaults for an empty environment', () => {
    const config = loadConfig(schema, {});
    expect(config.PORT).toBe(3001);
    expect(config.NATS_URL).toBe('nats://127.0.0.1:4222');
    expect(config.DATABASE_URL).toMatch(/^sqlite:\/\/\/.+offramp\.sqlite$/);
  });

  it('treats an empty variable as unset', () => {
    expect(loadConfig(schema, { PORT: '' }).PORT).toBe(3001);
  });

  it('names DATABASE_URL and what it expects when it is malformed', () => {
    const error = errorFor({ DATABASE_URL: 'postgress://db/shop' });
    expect(error.variable).toBe('DATABASE_URL');
    expect(error.message).toMatch(/^DATABASE_URL: unsupported scheme .*expected sqlite:\/\/\/.* \(got "postgress:\/\/db\/shop"\)$/);
    expect(error.message).not.toContain('\n');
  });

  it('names NATS_URL when it is malformed', () => {
    expect(errorFor({ NATS_URL: 'http://127.0.0.1:4222' }).message).toMatch(/^NATS_URL: unsupported scheme "http:"/);
  });

  it('names a NATS credentials or TLS file that cannot be read', () => {
    expect(errorFor({ NATS_CREDS_FILE: '/nonexistent/user.creds' }).message).toMatch(/^NATS_CREDS_FILE: cannot read \/nonexistent\/user\.creds \(ENOENT\)/);
    expect(errorFor({ NATS_TLS_CA_FILE: '/nonexistent/ca.pem' }).variable).toBe('NATS_TLS_CA_FILE');
    expect(loadConfig(schema, { NATS_TLS_CA_FILE: import.meta.filename }).NATS_TLS_CA_FILE).toBe(import.meta.filename);
  });

  it('names PORT when it is out of range', () => {
    expect(errorFor({ PORT: '70000' }).message).toBe('PORT: expected TCP port the service listens on (1-65535) (got "70000")');
  });

  it('masks passwords it repeats', () => {
    expect(errorFor({ DATABASE_URL: 'mysql://root:hunter2@db' }).message).not.toContain('hunter2');
  });

  it('validates the service’s own variables with the shared ones', () => {
    const extended = schema.extend({ LEGACY_URL: z.url().describe('http(s) URL of the monolith') });
    expect(errorFor({}, extended as unknown as typeof schema).message).toBe('LEGACY_URL: expected http(s) URL of the monolith (it is not set)');
  });
});

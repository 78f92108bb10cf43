import { accessSync, constants } from 'node:fs';
import { resolve } from 'node:path';
import { z } from 'zod';
import { MIGRATIONS_MODES, parseDatabaseUrl } from '@offramp/persistence';
import { parseNatsUrl } from '@offramp/messaging';
import { identityAudienceWithDefault, identityConfigShape } from '../identity/identity-keys.js';
import { tracingConfigShape } from '../tracing/tracing-config.js';
import { ConfigError } from './config-error.js';
import { OFFRAMP_ENVS } from './production-defaults.js';

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

const port = z.coerce.number().int().min(1).max(65_535);
const validatedBy = (parse: (value: string) => unknown) =>
  z.string().superRefine((value, ctx) => {
    try {
      parse(value);
    } catch (error) {
      ctx.addIssue({ code: 'custom', message: (error as Error).message });
    }
  });

const readableFile = validatedBy((path) => {
  try {
    accessSync(path, constants.R_OK);
  } catch (error) {
    throw new Error(`cannot read ${path} (${(error as NodeJS.ErrnoException).code ?? 'error'}); expected the path of a readable file`);
  }
}).optional();

/** The variables every service reads. A service adds its own with `extend`. */
export function serviceConfigSchema(defaults: { port: number; service: string }) {
  return z.object({
    OFFRAMP_ENV: z
      .enum(OFFRAMP_ENVS)
      .default('local')
      .describe('local or production (production fills every production default that is not set: EdDSA tokens, …)'),
    PORT: port.default(defaults.port).describe('TCP port the service listens on (1-65535)'),
    HOST: z.string().min(1).default('127.0.0.1').describe('interface to listen on (0.0.0.0 in containers)'),
    DATABASE_URL: validatedBy(parseDatabaseUrl)
      .default(`sqlite://${resolve('data/offramp.sqlite')}`)
      .describe('sqlite:///abs/path, mysql://… or postgres://…'),
    DATABASE_MIGRATIONS: z
      .enum(MIGRATIONS_MODES)
      .default('run')
      .describe("run or verify: run the slice's migrations at start-up, or only check they ran (production: the migrate Job runs them)"),
    NATS_URL: validatedBy(parseNatsUrl).default('nats://127.0.0.1:4222').describe('nats://[user:pass@]host:port[,…]'),
    NATS_CREDS_FILE: readableFile.describe('path of a NATS .creds file (JWT + nkey seed)'),
    NATS_NKEY_SEED_FILE: readableFile.describe('path of a file holding a NATS user nkey seed (SU…)'),
    NATS_TLS_CA_FILE: readableFile.describe('path of the CA bundle that signed the NATS servers'),
    NATS_TLS_CERT_FILE: readableFile.describe('path of the client certificate (with NATS_TLS_KEY_FILE)'),
    NATS_TLS_KEY_FILE: readableFile.describe('path of the client certificate key (with NATS_TLS_CERT_FILE)'),
    LOG_LEVEL: z
      .enum(LOG_LEVELS)
      .default('info')
      .describe(`one of ${LOG_LEVELS.join(', ')}`),
    LOG_PRETTY: z.enum(['auto', 'true', 'false']).default('auto').describe('auto, true or false'),
    SHUTDOWN_TIMEOUT_MS: z.coerce.number().int().min(100).max(600_000).default(10_000).describe('milliseconds (100-600000)'),
    ...identityConfigShape,
    IDENTITY_TOKEN_AUDIENCE: identityAudienceWithDefault(defaults.service),
    ...tracingConfigShape(defaults.service),
  });
}

export type ServiceConfig = z.infer<ReturnType<typeof serviceConfigSchema>>;

/**
 * Validates the environment against the schema. The first problem becomes a ConfigError whose
 * message names the variable, what it expects and what it got.
 */
export function loadConfig<S extends z.ZodObject>(schema: S, env: NodeJS.ProcessEnv = process.env): z.infer<S> {
  // Empty strings count as unset, as a shell `FOO= cmd` means.
  const input = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== ''));
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const variable = String(issue.path[0] ?? 'environment');
  const description = (schema.shape as Record<string, z.ZodType>)[variable]?.description;
  const got = env[variable] === undefined ? 'it is not set' : `got "${redactSecrets(env[variable] ?? '')}"`;
  const expected = description && issue.code !== 'custom' ? `expected ${description}` : issue.message;
  throw new ConfigError(variable, `${expected} (${got})`);
}

function redactSecrets(value: string): string {
  return value.replace(/\/\/([^:/@]+):([^@]*)@/, '//$1:***@');
}

import type { Params } from 'nestjs-pino';
import type { ServiceConfig } from '../config/service-config.js';

/** pino JSON logs; human-readable when a person watches a terminal. */
export function loggerOptions(service: string, config: ServiceConfig): Params {
  const pretty = config.LOG_PRETTY === 'true' || (config.LOG_PRETTY === 'auto' && process.stdout.isTTY);
  return {
    pinoHttp: {
      level: config.LOG_LEVEL,
      base: { service },
      // Fastify already chose the id (from x-request-id or new) and put it on the raw request.
      genReqId: (req) => (req as { id?: string }).id ?? 'unknown',
      customAttributeKeys: { reqId: 'requestId' },
      redact: {
        paths: ['req.headers.cookie', 'req.headers.authorization', 'req.headers["x-offramp-identity"]', 'res.headers["set-cookie"]'],
        censor: '[redacted]',
      },
      autoLogging: { ignore: (req) => req.url?.startsWith('/health/') === true || req.url === '/metrics' },
      transport: pretty ? { target: 'pino-pretty', options: { singleLine: true, translateTime: 'SYS:HH:MM:ss.l' } } : undefined,
    },
  };
}

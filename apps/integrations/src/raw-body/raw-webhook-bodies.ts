import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { SERVICE_CONFIG } from '@offramp/platform';
import type { IntegrationsConfig } from '../integrations.config.js';

/** Paths whose body reaches the handler as the bytes sent: signatures are computed over them. */
const RAW_BODY_PATHS = /^\/webhooks\//;

/**
 * A webhook is verified on its raw body, whatever its Content-Type says (the monolith reads
 * php://input): under /webhooks/ every body is kept as a Buffer, also one that is not JSON, up to
 * PHP's post_max_size. Elsewhere JSON is parsed as before and other types are refused by Fastify.
 */
@Injectable()
export class RawWebhookBodies implements OnModuleInit {
  constructor(
    private readonly adapterHost: HttpAdapterHost,
    @Inject(SERVICE_CONFIG) private readonly config: IntegrationsConfig,
  ) {}

  onModuleInit(): void {
    const fastify = this.adapterHost.httpAdapter.getInstance<FastifyInstance>();
    const bodyLimit = this.config.PAYMENT_WEBHOOK_MAX_BYTES;
    const isWebhook = (request: FastifyRequest) => RAW_BODY_PATHS.test(request.url);
    // Fastify's own parsers (JSON and text/plain) would read a webhook's body before the handler.
    fastify.removeContentTypeParser(['application/json', 'text/plain']);
    fastify.addContentTypeParser('application/json', { parseAs: 'buffer', bodyLimit }, (request, body: Buffer, done) => {
      if (isWebhook(request)) return done(null, body);
      if (body.length > (fastify.initialConfig.bodyLimit ?? 1_048_576))
        return done(Object.assign(new Error('Request body is too large'), { statusCode: 413 }), undefined);
      try {
        done(null, body.length === 0 ? undefined : JSON.parse(body.toString('utf8')));
      } catch {
        done(Object.assign(new Error('Body is not valid JSON'), { statusCode: 400 }), undefined);
      }
    });
    fastify.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit }, (request, body: Buffer, done) => {
      if (isWebhook(request)) return done(null, body);
      done(Object.assign(new Error(`Unsupported Media Type: ${request.headers['content-type'] ?? ''}`), { statusCode: 415 }), undefined);
    });
  }
}

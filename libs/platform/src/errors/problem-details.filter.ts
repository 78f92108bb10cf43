import { type ArgumentsHost, Catch, type ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { problem, PROBLEM_CONTENT_TYPE, type ProblemDetails } from './problem-details.js';
import { InvalidInputException } from './validation.js';

// Keys of Nest's own error bodies that the problem document already says in its own words.
const NEST_BODY_KEYS = new Set(['statusCode', 'message', 'error', 'status']);

/** Every error leaves as application/problem+json; no stack trace or internal message ever does. */
@Catch()
export class ProblemDetailsFilter implements ExceptionFilter {
  private readonly logger = new Logger('Errors');

  catch(exception: unknown, host: ArgumentsHost): void {
    if (host.getType() !== 'http') throw exception;
    const http = host.switchToHttp();
    const request = http.getRequest<FastifyRequest>();
    const reply = http.getResponse<FastifyReply>();
    const body = this.toProblem(exception, request);
    if (body.status >= 500) {
      this.logger.error({ err: exception, requestId: request.id }, `${request.method} ${request.url} failed`);
    }
    void reply.status(body.status).header('content-type', PROBLEM_CONTENT_TYPE).send(body);
  }

  private toProblem(exception: unknown, request: FastifyRequest): ProblemDetails {
    const instance = request.url;
    if (exception instanceof InvalidInputException) {
      return problem(400, exception.message, { instance, 'invalid-params': exception.invalidParams });
    }
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      const response = exception.getResponse();
      if (typeof response === 'string') return problem(status, response, { instance });
      const { message } = response as { message?: unknown };
      const detail = status >= 500 ? undefined : Array.isArray(message) ? message.join('; ') : typeof message === 'string' ? message : undefined;
      const extensions = Object.fromEntries(Object.entries(response).filter(([key]) => !NEST_BODY_KEYS.has(key)));
      return problem(status, detail, { ...extensions, instance });
    }
    // Fastify's own errors (unparseable JSON, body too large) carry a 4xx statusCode and a safe message.
    const fastifyStatus = (exception as { statusCode?: number })?.statusCode;
    if (typeof fastifyStatus === 'number' && fastifyStatus >= 400 && fastifyStatus < 500) {
      return problem(fastifyStatus, (exception as Error).message, { instance });
    }
    return problem(500, undefined, { instance });
  }
}

import { Body, Controller, Get, HttpCode, Inject, NotFoundException, ConflictException, Post, Put, Query, UseGuards } from '@nestjs/common';
import { z } from 'zod';
import { importRouteList, RouteListFormatError } from '@offramp/legacy-bridge';
import { InvalidInputException } from '@offramp/platform';
import { GatewayRuntime } from '../gateway-runtime.js';
import { ROUTE_STATES, routeId, routeSpecSchema, type RouteSpecInput } from '../routes/route-spec.js';
import { RouteLifecycleError } from '../routes/route-lifecycle.js';
import { judgeShadowEvidence, shadowRequirements } from '../shadow/promotion-gate.js';
import { AdminTokenGuard } from './admin-token.guard.js';
import { ApiBearerAuth, ApiBody, ApiConflictResponse, ApiOperation, ApiQuery, ApiTags, ApiUnauthorizedResponse } from '@nestjs/swagger';

const actor = { by: z.string().min(1).default('admin-api'), reason: z.string().min(1, 'say why: the reason goes into the audit log') };
/** A route is named by its id (`GET|HEAD /api/products/:id`) or by method and path as written anywhere (`{id}` too). */
const routeRef = { id: z.string().min(1).optional(), method: z.string().optional(), path: z.string().optional() };
const promoteBody = z.object({
  ...routeRef,
  to: z.enum(ROUTE_STATES).optional(),
  canaryPercent: z.number().min(0).max(100).optional(),
  force: z.boolean().default(false),
  ...actor,
});
const rollbackBody = z
  .object({ ...routeRef, all: z.boolean().default(false), ...actor })
  .refine((body) => body.all || body.id || body.path, { message: 'give "id" (or "method" and "path") or "all": true', path: ['id'] });
const setBody = z.object({ route: z.record(z.string(), z.unknown()), ...actor });
const importBody = z.object({ format: z.enum(['laravel', 'symfony', 'auto']).default('auto'), routeList: z.string().min(2), ...actor });

/** The migration's control surface: token-protected, every change audited in the KV history. */
@ApiTags('gateway admin')
@ApiBearerAuth()
@ApiUnauthorizedResponse({ description: 'missing or wrong bearer token (GATEWAY_ADMIN_TOKEN)' })
@Controller('_offramp/admin')
@UseGuards(AdminTokenGuard)
export class AdminController {
  constructor(@Inject(GatewayRuntime) private readonly runtime: GatewayRuntime) {}

  @Get('routes')
  @ApiOperation({
    operationId: 'listRoutes',
    summary:
      'The route table: state, service, last change and, in shadow, the evidence over all replicas (match rate, counts per status class of the monolith and caller kind) and the promotion verdict',
  })
  async list() {
    const routes = await Promise.all(
      this.runtime.store.list().map(async (record) => {
        const shadowMatch = record.route.state === 'shadow' ? await this.runtime.stats.total(record.id) : undefined;
        return {
          id: record.id,
          revision: record.revision,
          ...record.route,
          lastChange: record.change,
          shadowMatch,
          shadowGate: shadowMatch ? judgeShadowEvidence(shadowMatch, shadowRequirements(record.route)) : undefined,
        };
      }),
    );
    return { loaded: this.runtime.ready, count: routes.length, routes };
  }

  @Put('routes')
  @ApiOperation({ operationId: 'setRoute', summary: 'Create or replace one route (audited)' })
  @ApiBody({
    schema: {
      type: 'object',
      required: ['route', 'reason'],
      properties: {
        route: { type: 'object', example: { method: 'GET|HEAD', path: '/api/products/{id}', state: 'shadow', service: 'api' } },
        by: { type: 'string', example: 'jane@ops' },
        reason: { type: 'string', example: 'shadow proof at 99.8%' },
      },
    },
  })
  async set(@Body() body: unknown) {
    const input = parse(setBody, body);
    return { route: await run(() => this.runtime.lifecycle.set(input.route as RouteSpecInput, input)) };
  }

  @Post('routes/promote')
  @HttpCode(200)
  @ApiOperation({
    operationId: 'promoteRoute',
    summary: 'Move a route on (legacy → shadow → canary → service → retired); out of shadow only with enough matching samples, unless forced',
  })
  @ApiBody({
    schema: {
      type: 'object',
      required: ['reason'],
      properties: {
        ...{
          id: { type: 'string', example: 'GET|HEAD /api/products/:id' },
          method: { type: 'string', example: 'GET' },
          path: { type: 'string', example: '/api/products/{id}' },
        },
        to: { type: 'string', enum: [...ROUTE_STATES] },
        canaryPercent: { type: 'number' },
        force: { type: 'boolean' },
        by: { type: 'string', example: 'jane@ops' },
        reason: { type: 'string', example: 'shadow proof at 99.8%' },
      },
    },
  })
  @ApiConflictResponse({
    description: 'refused: match rate below the threshold, too few samples, too few matching 2xx answers (to logged-in callers, where the route needs a login)',
  })
  async promote(@Body() body: unknown) {
    const input = parse(promoteBody, body);
    return run(() => this.runtime.lifecycle.promote({ ...input, id: resolveId(input) }));
  }

  @Post('routes/rollback')
  @HttpCode(200)
  @ApiOperation({ operationId: 'rollbackRoutes', summary: 'Back to legacy: one route or all of them' })
  @ApiBody({
    schema: {
      type: 'object',
      required: ['reason'],
      properties: {
        ...{
          id: { type: 'string', example: 'GET|HEAD /api/products/:id' },
          method: { type: 'string', example: 'GET' },
          path: { type: 'string', example: '/api/products/{id}' },
        },
        all: { type: 'boolean' },
        by: { type: 'string', example: 'jane@ops' },
        reason: { type: 'string', example: 'shadow proof at 99.8%' },
      },
    },
  })
  async rollback(@Body() body: unknown) {
    const input = parse(rollbackBody, body);
    const rolledBack = await run(() => this.runtime.lifecycle.rollback(input.all ? 'all' : resolveId(input), input));
    return { rolledBack };
  }

  @Post('routes/import')
  @HttpCode(200)
  @ApiOperation({ operationId: 'importRoutes', summary: "Add every route of Laravel's route:list --json or Symfony's debug:router --format=json as legacy" })
  @ApiBody({
    schema: {
      type: 'object',
      required: ['routeList', 'reason'],
      properties: {
        format: { type: 'string', enum: ['laravel', 'symfony', 'auto'] },
        routeList: { type: 'string' },
        by: { type: 'string', example: 'jane@ops' },
        reason: { type: 'string', example: 'shadow proof at 99.8%' },
      },
    },
  })
  async import(@Body() body: unknown) {
    const input = parse(importBody, body);
    let routes;
    try {
      routes = importRouteList(input.routeList, input.format);
    } catch (error) {
      if (error instanceof RouteListFormatError) throw new InvalidInputException([{ name: 'routeList', reason: error.message }]);
      throw error;
    }
    return run(() => this.runtime.lifecycle.import(routes, input));
  }

  @Get('routes/history')
  @ApiOperation({ operationId: 'routeHistory', summary: 'The audit log: every revision with who, when and why' })
  @ApiQuery({ name: 'id', required: false })
  @ApiQuery({ name: 'method', required: false })
  @ApiQuery({ name: 'path', required: false })
  async history(@Query('id') id?: string, @Query('method') method?: string, @Query('path') path?: string) {
    const route = id || path ? resolveId({ id, method, path }) : undefined;
    return { history: await this.runtime.store.history(route) };
  }

  @Get('diffs')
  @ApiOperation({ operationId: 'shadowDiffs', summary: 'Latest shadow mismatches with redacted samples, match rate and learned noise' })
  @ApiQuery({ name: 'id', required: false })
  @ApiQuery({ name: 'method', required: false })
  @ApiQuery({ name: 'path', required: false })
  @ApiQuery({ name: 'limit', required: false, type: 'integer' })
  async diffs(@Query('id') rawId?: string, @Query('limit') limit?: string, @Query('method') method?: string, @Query('path') path?: string) {
    const id = rawId || path ? resolveId({ id: rawId, method, path }) : undefined;
    const count = Math.min(Math.max(Number(limit ?? 20) || 20, 1), 200);
    const mismatches = await this.runtime.mismatches.latest(id || undefined, count);
    const matchRate = id ? await this.runtime.stats.total(id) : undefined;
    const route = id ? this.runtime.store.get(id)?.route : undefined;
    return {
      matchRate,
      shadowGate: matchRate && route ? judgeShadowEvidence(matchRate, shadowRequirements(route)) : undefined,
      learnedNoise: id ? this.runtime.shadow.learnedNoise(id) : undefined,
      mismatches,
    };
  }
}

function resolveId(reference: { id?: string; method?: string; path?: string }): string {
  if (reference.id) return reference.id;
  const parsed = routeSpecSchema.safeParse({ method: reference.method ?? '*', path: reference.path });
  if (!parsed.success)
    throw new InvalidInputException([{ name: parsed.error.issues[0]?.path.join('.') || 'path', reason: parsed.error.issues[0]?.message ?? 'invalid' }]);
  return routeId(parsed.data);
}

function parse<T extends z.ZodType>(schema: T, body: unknown): z.infer<T> {
  const result = schema.safeParse(body ?? {});
  if (result.success) return result.data;
  throw new InvalidInputException(result.error.issues.map((issue) => ({ name: issue.path.join('.') || 'body', reason: issue.message })));
}

async function run<T>(action: () => Promise<T>): Promise<T> {
  try {
    return await action();
  } catch (error) {
    if (error instanceof RouteLifecycleError) {
      if (error.status === 404) throw new NotFoundException(error.message);
      if (error.status === 409) throw new ConflictException(error.message);
      throw new InvalidInputException([{ name: error.field ?? 'route', reason: error.message }]);
    }
    if (/wrong last sequence/i.test((error as Error).message)) throw new ConflictException('the route changed meanwhile; read it again and retry');
    throw error;
  }
}

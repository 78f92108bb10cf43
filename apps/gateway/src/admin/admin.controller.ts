import { Body, Controller, Get, HttpCode, Inject, Post, Put, Query, UseFilters, UseGuards } from '@nestjs/common';
import { z } from 'zod';
import { importRouteList } from '@offramp/legacy-bridge';
import { InvalidInputException } from '@offramp/platform';
import { PathRefusedError, ProxyEngine } from '../proxy/proxy-engine.js';
import { HTTP_METHODS, ROUTE_STATES, type RouteSpecInput } from '../routes/route-spec.js';
import { RouteLifecycle } from '../routes/route-lifecycle.js';
import { RouteStore } from '../routes/route-store.js';
import { RouteTableLoader } from '../routes/route-table-loader.js';
import { MismatchStore } from '../shadow/mismatch-store.js';
import { judgeShadowEvidence, shadowRequirements } from '../shadow/promotion-gate.js';
import { ShadowRunner } from '../shadow/shadow-runner.js';
import { emptyEvidence, ShadowStats } from '../shadow/shadow-stats.js';
import { AdminTokenGuard } from './admin-token.guard.js';
import { RouteErrorFilter } from './route-error.filter.js';
import { ApiBearerAuth, ApiBody, ApiOkResponse, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import {
  ImportResultDto,
  PromotionResultDto,
  ResolvedRouteDto,
  RollbackResultDto,
  RouteHistoryDto,
  RouteListDto,
  SetRouteResultDto,
  ShadowDiffsDto,
} from './admin-api.dto.js';
import { ApiProblemResponses } from './problem-responses.decorator.js';
import { resolveRouteId, type RouteReference } from './route-reference.js';

const actor = { by: z.string().min(1).default('admin-api'), reason: z.string().min(1, 'say why: the reason goes into the audit log') };
/** A route is named by its id (`GET|HEAD /api/products/:id`) or by method and path as written anywhere (`{id}` too). */
/** How a request body names a route, in the OpenAPI document (routeRef below is its schema). */
const ROUTE_REFERENCE_PROPERTIES = {
  id: { type: 'string', example: 'GET|HEAD /api/products/:id' },
  method: { type: 'string', example: 'GET' },
  path: { type: 'string', example: '/api/products/{id}' },
} as const;
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
const resolveQuery = z.object({
  method: z
    .string()
    .default('GET')
    .transform((method) => method.toUpperCase())
    .pipe(z.enum(HTTP_METHODS, { message: `expected one of ${HTTP_METHODS.join(', ')}` })),
  path: z.string().startsWith('/', 'expected the request path, starting with / (a query string may follow)'),
  host: z.string().min(1).optional(),
});
const importBody = z.object({ format: z.enum(['laravel', 'symfony', 'auto']).default('auto'), routeList: z.string().min(2), ...actor });

/** The migration's control surface: token-protected, every change audited in the KV history. */
@ApiTags('gateway admin')
@ApiBearerAuth()
@ApiProblemResponses({
  401: 'missing or wrong bearer token (GATEWAY_ADMIN_TOKEN)',
  503: 'the admin API is off: GATEWAY_ADMIN_TOKEN is not set',
})
@Controller('_offramp/admin')
@UseGuards(AdminTokenGuard)
@UseFilters(RouteErrorFilter)
export class AdminController {
  constructor(
    @Inject(RouteLifecycle) private readonly lifecycle: RouteLifecycle,
    @Inject(RouteStore) private readonly store: RouteStore,
    @Inject(RouteTableLoader) private readonly loader: RouteTableLoader,
    @Inject(ShadowStats) private readonly stats: ShadowStats,
    @Inject(MismatchStore) private readonly mismatches: MismatchStore,
    @Inject(ShadowRunner) private readonly shadow: ShadowRunner,
    @Inject(ProxyEngine) private readonly proxy: ProxyEngine,
  ) {}

  @Get('routes')
  @ApiOperation({
    operationId: 'listRoutes',
    summary:
      'The route table: state, service, last change and, in shadow, the evidence over all replicas (match rate, counts per status class of the monolith and caller kind) and the promotion verdict',
  })
  @ApiQuery({ name: 'id', required: false, description: 'Only this route (or name it by method and path, as for every operation)' })
  @ApiQuery({ name: 'method', required: false })
  @ApiQuery({ name: 'path', required: false })
  @ApiOkResponse({ type: RouteListDto })
  @ApiProblemResponses({ 400: 'a route named ambiguously or invalidly' })
  async list(@Query('id') id?: string, @Query('method') method?: string, @Query('path') path?: string): Promise<RouteListDto> {
    const only = id || path ? this.resolveId({ id, method, path }) : undefined;
    const records = this.store.list().filter((record) => only === undefined || record.id === only);
    // One read of the counts bucket for the whole table; one route's own read when one is asked for.
    const inShadow = records.filter((record) => record.route.state === 'shadow');
    const evidence = inShadow.length > 1 ? await this.stats.totals() : undefined;
    const routes = await Promise.all(
      records.map(async (record) => {
        const shadowMatch =
          record.route.state === 'shadow' ? (evidence ? (evidence.get(record.id) ?? emptyEvidence()) : await this.stats.total(record.id)) : undefined;
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
    return { loaded: this.loader.loaded, count: routes.length, routes };
  }

  @Get('routes/resolve')
  @ApiOperation({
    operationId: 'resolveRoute',
    summary:
      "Which route the public listener matches for a method, path and Host (requirements, optional parameters, host, HEAD for GET), read as it reads requests: to check the table against the monolith's own router",
  })
  @ApiQuery({ name: 'method', required: false, description: 'Default GET' })
  @ApiQuery({ name: 'path', required: true, example: '/blog/2' })
  @ApiQuery({ name: 'host', required: false, description: 'The Host header (a port is ignored)', example: 'shop.example.com' })
  @ApiOkResponse({ type: ResolvedRouteDto })
  @ApiProblemResponses({ 400: 'no path, an unknown method, or a path the public listener refuses (path)' })
  resolve(@Query('method') method?: string, @Query('path') path?: string, @Query('host') host?: string): ResolvedRouteDto {
    const input = parse(resolveQuery, { method, path, host });
    try {
      const resolved = this.proxy.resolve(input.method, input.path, input.host);
      const route = resolved.route;
      return route ? { matched: true, path: resolved.path, id: route.id, route: route.route, params: route.params } : { matched: false, path: resolved.path };
    } catch (error) {
      if (!(error instanceof PathRefusedError)) throw error;
      throw new InvalidInputException([{ name: 'path', reason: error.message }]);
    }
  }

  @Put('routes')
  @ApiOperation({ operationId: 'setRoute', summary: 'Create or replace one route (audited)' })
  @ApiOkResponse({ type: SetRouteResultDto })
  @ApiProblemResponses({ 400: 'an invalid route (the field is named)', 409: 'the route changed meanwhile' })
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
  async set(@Body() body: unknown): Promise<SetRouteResultDto> {
    const input = parse(setBody, body);
    return { route: await this.lifecycle.set(input.route as RouteSpecInput, input) };
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
        ...ROUTE_REFERENCE_PROPERTIES,
        to: { type: 'string', enum: [...ROUTE_STATES] },
        canaryPercent: { type: 'number' },
        force: { type: 'boolean' },
        by: { type: 'string', example: 'jane@ops' },
        reason: { type: 'string', example: 'shadow proof at 99.8%' },
      },
    },
  })
  @ApiOkResponse({ type: PromotionResultDto })
  @ApiProblemResponses({
    400: 'invalid input, or a route named ambiguously',
    404: 'no such route',
    409: 'refused: match rate below the threshold, too few samples, too few matching 2xx answers (to logged-in callers, where the route needs a login); already in the last state; or the route changed meanwhile',
  })
  async promote(@Body() body: unknown): Promise<PromotionResultDto> {
    const input = parse(promoteBody, body);
    return this.lifecycle.promote({ ...input, id: this.resolveId(input) });
  }

  @Post('routes/rollback')
  @HttpCode(200)
  @ApiOperation({ operationId: 'rollbackRoutes', summary: 'Back to legacy: one route or all of them' })
  @ApiOkResponse({ type: RollbackResultDto })
  @ApiProblemResponses({ 400: 'invalid input, or a route named ambiguously', 404: 'no such route' })
  @ApiBody({
    schema: {
      type: 'object',
      required: ['reason'],
      properties: {
        ...ROUTE_REFERENCE_PROPERTIES,
        all: { type: 'boolean' },
        by: { type: 'string', example: 'jane@ops' },
        reason: { type: 'string', example: 'shadow proof at 99.8%' },
      },
    },
  })
  async rollback(@Body() body: unknown): Promise<RollbackResultDto> {
    const input = parse(rollbackBody, body);
    const rolledBack = await this.lifecycle.rollback(input.all ? 'all' : this.resolveId(input), input);
    return { rolledBack };
  }

  @Post('routes/import')
  @HttpCode(200)
  @ApiOperation({
    operationId: 'importRoutes',
    summary:
      "Add every route of Laravel's offramp:routes (or route:list --json) or Symfony's debug:router --format=json as legacy, with requirements, optional parameters, host and defaults; a route the gateway cannot match as the framework does stays legacy-only, named in warnings",
  })
  @ApiOkResponse({ type: ImportResultDto })
  @ApiProblemResponses({ 400: 'invalid input, or a route list that does not parse (routeList)' })
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
  async import(@Body() body: unknown): Promise<ImportResultDto> {
    const input = parse(importBody, body);
    // A route list that does not parse (RouteListFormatError) is answered by RouteErrorFilter: 400 naming routeList.
    return this.lifecycle.import(importRouteList(input.routeList, input.format), input);
  }

  @Get('routes/history')
  @ApiOperation({ operationId: 'routeHistory', summary: 'The audit log: every revision with who, when and why' })
  @ApiQuery({ name: 'id', required: false })
  @ApiQuery({ name: 'method', required: false })
  @ApiQuery({ name: 'path', required: false })
  @ApiOkResponse({ type: RouteHistoryDto })
  @ApiProblemResponses({ 400: 'a route named ambiguously or invalidly' })
  async history(@Query('id') id?: string, @Query('method') method?: string, @Query('path') path?: string): Promise<RouteHistoryDto> {
    const route = id || path ? this.resolveId({ id, method, path }) : undefined;
    return { history: await this.store.history(route) };
  }

  @Get('diffs')
  @ApiOperation({ operationId: 'shadowDiffs', summary: 'Latest shadow mismatches with redacted samples, match rate and learned noise' })
  @ApiQuery({ name: 'id', required: false })
  @ApiQuery({ name: 'method', required: false })
  @ApiQuery({ name: 'path', required: false })
  @ApiQuery({ name: 'limit', required: false, type: 'integer' })
  @ApiOkResponse({ type: ShadowDiffsDto })
  @ApiProblemResponses({ 400: 'a route named ambiguously or invalidly' })
  async diffs(
    @Query('id') rawId?: string,
    @Query('limit') limit?: string,
    @Query('method') method?: string,
    @Query('path') path?: string,
  ): Promise<ShadowDiffsDto> {
    const id = rawId || path ? this.resolveId({ id: rawId, method, path }) : undefined;
    const count = Math.min(Math.max(Number(limit ?? 20) || 20, 1), 200);
    const mismatches = await this.mismatches.latest(id || undefined, count);
    const matchRate = id ? await this.stats.total(id) : undefined;
    const route = id ? this.store.get(id)?.route : undefined;
    return {
      matchRate,
      shadowGate: matchRate && route ? judgeShadowEvidence(matchRate, shadowRequirements(route)) : undefined,
      learnedNoise: id ? this.shadow.learnedNoise(id) : undefined,
      mismatches,
    };
  }

  /** What the caller typed → the one route it means (route-reference.ts). */
  private resolveId(reference: RouteReference): string {
    return resolveRouteId(reference, this.store.list());
  }
}

function parse<T extends z.ZodType>(schema: T, body: unknown): z.infer<T> {
  const result = schema.safeParse(body ?? {});
  if (result.success) return result.data;
  throw new InvalidInputException(result.error.issues.map((issue) => ({ name: issue.path.join('.') || 'body', reason: issue.message })));
}

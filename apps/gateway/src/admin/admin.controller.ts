import { Body, Controller, Get, HttpCode, Inject, NotFoundException, ConflictException, Post, Put, Query, UseGuards } from '@nestjs/common';
import { z } from 'zod';
import { importRouteList, RouteListFormatError } from '@offramp/legacy-bridge';
import { InvalidInputException } from '@offramp/platform';
import { GatewayRuntime } from '../gateway-runtime.js';
import { ROUTE_STATES, routeId, routeSpecSchema, type RouteSpecInput } from '../routes/route-spec.js';
import { RouteLifecycleError } from '../routes/route-lifecycle.js';
import { AdminTokenGuard } from './admin-token.guard.js';

const actor = { by: z.string().min(1).default('admin-api'), reason: z.string().min(1, 'say why: the reason goes into the audit log') };
/** A route is named by its id (`GET|HEAD /api/products/:id`) or by method and path as written anywhere (`{id}` too). */
const routeRef = { id: z.string().min(1).optional(), method: z.string().optional(), path: z.string().optional() };
const promoteBody = z.object({ ...routeRef, to: z.enum(ROUTE_STATES).optional(), canaryPercent: z.number().min(0).max(100).optional(), force: z.boolean().default(false), ...actor });
const rollbackBody = z.object({ ...routeRef, all: z.boolean().default(false), ...actor }).refine((body) => body.all || body.id || body.path, { message: 'give "id" (or "method" and "path") or "all": true', path: ['id'] });
const setBody = z.object({ route: z.record(z.string(), z.unknown()), ...actor });
const importBody = z.object({ format: z.enum(['laravel', 'symfony', 'auto']).default('auto'), routeList: z.string().min(2), ...actor });

/** The migration's control surface: token-protected, every change audited in the KV history. */
@Controller('_offramp/admin')
@UseGuards(AdminTokenGuard)
export class AdminController {
  constructor(@Inject(GatewayRuntime) private readonly runtime: GatewayRuntime) {}

  @Get('routes')
  async list() {
    const routes = await Promise.all(
      this.runtime.store.list().map(async (record) => ({
        id: record.id,
        revision: record.revision,
        ...record.route,
        lastChange: record.change,
        shadowMatch: record.route.state === 'shadow' ? await this.runtime.stats.total(record.id) : undefined,
      })),
    );
    return { loaded: this.runtime.ready, count: routes.length, routes };
  }

  @Put('routes')
  async set(@Body() body: unknown) {
    const input = parse(setBody, body);
    return { route: await run(() => this.runtime.lifecycle.set(input.route as RouteSpecInput, input)) };
  }

  @Post('routes/promote')
  @HttpCode(200)
  async promote(@Body() body: unknown) {
    const input = parse(promoteBody, body);
    return run(() => this.runtime.lifecycle.promote({ ...input, id: resolveId(input) }));
  }

  @Post('routes/rollback')
  @HttpCode(200)
  async rollback(@Body() body: unknown) {
    const input = parse(rollbackBody, body);
    const rolledBack = await run(() => this.runtime.lifecycle.rollback(input.all ? 'all' : resolveId(input), input));
    return { rolledBack };
  }

  @Post('routes/import')
  @HttpCode(200)
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
  async history(@Query('id') id?: string, @Query('method') method?: string, @Query('path') path?: string) {
    const route = id || path ? resolveId({ id, method, path }) : undefined;
    return { history: await this.runtime.store.history(route) };
  }

  @Get('diffs')
  async diffs(@Query('id') rawId?: string, @Query('limit') limit?: string, @Query('method') method?: string, @Query('path') path?: string) {
    const id = rawId || path ? resolveId({ id: rawId, method, path }) : undefined;
    const count = Math.min(Math.max(Number(limit ?? 20) || 20, 1), 200);
    const mismatches = await this.runtime.mismatches.latest(id || undefined, count);
    return {
      matchRate: id ? await this.runtime.stats.total(id) : undefined,
      learnedNoise: id ? this.runtime.shadow.learnedNoise(id) : undefined,
      mismatches,
    };
  }
}

function resolveId(reference: { id?: string; method?: string; path?: string }): string {
  if (reference.id) return reference.id;
  const parsed = routeSpecSchema.safeParse({ method: reference.method ?? '*', path: reference.path });
  if (!parsed.success) throw new InvalidInputException([{ name: parsed.error.issues[0]?.path.join('.') || 'path', reason: parsed.error.issues[0]?.message ?? 'invalid' }]);
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

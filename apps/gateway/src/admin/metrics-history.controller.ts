import { Controller, Get, Inject, Query, UseFilters, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { InvalidInputException } from '@offramp/platform';
import { GatewayMetrics } from '../metrics/gateway-metrics.js';
import { MetricsHistory } from '../metrics/metrics-history.js';
import { addRouteMinute, emptyRouteMinute, type RouteMinute } from '../metrics/minute-buckets.js';
import { RouteStore } from '../routes/route-store.js';
import { AdminTokenGuard } from './admin-token.guard.js';
import { RoutesTrafficDto, TrafficSeriesDto } from './metrics-history.dto.js';
import { ApiProblemResponses } from './problem-responses.decorator.js';
import { resolveRouteId } from './route-reference.js';
import { RouteErrorFilter } from './route-error.filter.js';
import { trafficMinute } from './traffic-view.js';

const DAY_MINUTES = 24 * 60;

/** Traffic over time from the per-minute history every replica writes (MetricsHistory), summed over replicas. */
@ApiTags('gateway admin')
@ApiBearerAuth()
@ApiProblemResponses({
  401: 'missing or wrong bearer token (GATEWAY_ADMIN_TOKEN)',
  503: 'the admin API is off: GATEWAY_ADMIN_TOKEN is not set',
})
@Controller('_offramp/admin/traffic')
@UseGuards(AdminTokenGuard)
@UseFilters(RouteErrorFilter)
export class MetricsHistoryController {
  constructor(
    @Inject(MetricsHistory) private readonly history: MetricsHistory,
    @Inject(GatewayMetrics) private readonly metrics: GatewayMetrics,
    @Inject(RouteStore) private readonly store: RouteStore,
  ) {}

  @Get('series')
  @ApiOperation({
    operationId: 'trafficSeries',
    summary:
      'Per minute, per backend: requests, status classes, p50/p99 latency, fallbacks and shadow comparisons, of one route or the whole gateway (up to 24 h)',
  })
  @ApiQuery({ name: 'id', required: false, description: 'One route (or name it by method and path); the whole gateway without' })
  @ApiQuery({ name: 'method', required: false })
  @ApiQuery({ name: 'path', required: false })
  @ApiQuery({ name: 'minutes', required: false, type: 'integer', description: 'How far back, 1-1440 (default 60)' })
  @ApiOkResponse({ type: TrafficSeriesDto })
  @ApiProblemResponses({ 400: 'a route named ambiguously or invalidly, or minutes out of range' })
  async series(
    @Query('id') id?: string,
    @Query('method') method?: string,
    @Query('path') path?: string,
    @Query('minutes') minutes?: string,
  ): Promise<TrafficSeriesDto> {
    const span = spanMinutes(minutes, 60);
    const to = Date.now();
    const from = to - span * 60_000;
    const route = id || path ? resolveRouteId({ id, method, path }, this.store.list()) : undefined;
    const stored = route ? await this.history.route(route, from) : await this.history.totals(from);
    const total = emptyRouteMinute();
    for (const minute of stored) addRouteMinute(total, minute);
    return {
      route,
      from: new Date(from).toISOString(),
      to: new Date(to).toISOString(),
      minutes: stored.map((minute) => trafficMinute(minute.at, minute, 60)),
      total: trafficMinute(from, total, span * 60),
    };
  }

  @Get('routes')
  @ApiOperation({
    operationId: 'routesTraffic',
    summary: "Each route's traffic over the last minutes (default 5), per backend, summed over replicas; and this replica's circuit breakers",
  })
  @ApiQuery({ name: 'minutes', required: false, type: 'integer', description: 'How far back, 1-1440 (default 5)' })
  @ApiOkResponse({ type: RoutesTrafficDto })
  @ApiProblemResponses({ 400: 'minutes out of range' })
  async routes(@Query('minutes') minutes?: string): Promise<RoutesTrafficDto> {
    const span = spanMinutes(minutes, 5);
    const to = Date.now();
    const from = to - span * 60_000;
    const perRoute: Map<string, RouteMinute> = await this.history.perRoute(from);
    return {
      from: new Date(from).toISOString(),
      to: new Date(to).toISOString(),
      routes: [...perRoute].map(([routeId, counts]) => {
        const { backends, fallbacks, shadow } = trafficMinute(from, counts, span * 60);
        return { id: routeId, backends, fallbacks, shadow };
      }),
      breakers: [...this.metrics.breakerStates()].map(([upstream, state]) => ({ upstream, state })),
    };
  }
}

function spanMinutes(raw: string | undefined, fallback: number): number {
  if (raw === undefined || raw === '') return fallback;
  const minutes = Number(raw);
  if (!Number.isInteger(minutes) || minutes < 1 || minutes > DAY_MINUTES) {
    throw new InvalidInputException([{ name: 'minutes', reason: `a whole number of minutes from 1 to ${DAY_MINUTES}` }]);
  }
  return minutes;
}

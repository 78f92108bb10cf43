import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

// The per-minute history's answers as the OpenAPI document and its generated client describe them.

export class StatusClassCountsDto {
  @ApiProperty({ type: 'integer' }) '1xx'!: number;
  @ApiProperty({ type: 'integer' }) '2xx'!: number;
  @ApiProperty({ type: 'integer' }) '3xx'!: number;
  @ApiProperty({ type: 'integer' }) '4xx'!: number;
  @ApiProperty({ type: 'integer' }) '5xx'!: number;
  @ApiProperty({ type: 'integer', description: 'responses that never completed (client or upstream broke off)' }) error!: number;
}

/** One backend's traffic over a span (a minute, or the minutes asked for). */
export class BackendTrafficDto {
  @ApiProperty({
    description: '`legacy` (the monolith), a slice from GATEWAY_SERVICES, or `gateway` (answered by the gateway itself, e.g. 419)',
    example: 'api',
  })
  backend!: string;
  @ApiProperty({ type: 'integer' })
  requests!: number;
  @ApiProperty({ description: 'requests per second over the span' })
  perSecond!: number;
  @ApiProperty({ type: () => StatusClassCountsDto })
  statusClasses!: StatusClassCountsDto;
  @ApiProperty({ type: 'number', nullable: true, description: 'share answered 5xx or broken off; null without requests' })
  errorRate!: number | null;
  @ApiProperty({ type: 'number', nullable: true, description: 'median latency (ms) from the summed histogram' })
  p50Ms!: number | null;
  @ApiProperty({ type: 'number', nullable: true, description: '99th percentile latency (ms) from the summed histogram' })
  p99Ms!: number | null;
}

export class ShadowMinuteDto {
  @ApiProperty({ type: 'integer' }) samples!: number;
  @ApiProperty({ type: 'integer' }) matches!: number;
}

export class TrafficMinuteDto {
  @ApiProperty({ description: "the minute's start (ISO 8601)", example: '2026-12-02T03:41:00.000Z' })
  at!: string;
  @ApiProperty({ type: () => [BackendTrafficDto] })
  backends!: BackendTrafficDto[];
  @ApiProperty({ type: 'integer', description: 'requests answered by the monolith because the slice failed' })
  fallbacks!: number;
  @ApiProperty({ type: () => ShadowMinuteDto })
  shadow!: ShadowMinuteDto;
}

export class TrafficSeriesDto {
  @ApiPropertyOptional({ description: 'the route, when one was asked for; the whole gateway otherwise' })
  route?: string;
  @ApiProperty({ description: 'start of the span (ISO 8601)' })
  from!: string;
  @ApiProperty({ description: 'end of the span (now)' })
  to!: string;
  @ApiProperty({ type: () => [TrafficMinuteDto], description: 'minutes with traffic, oldest first, summed over every replica' })
  minutes!: TrafficMinuteDto[];
  @ApiProperty({ type: () => TrafficMinuteDto, description: 'the whole span summed' })
  total!: TrafficMinuteDto;
}

export class RouteTrafficDto {
  @ApiProperty({ example: 'GET|HEAD /api/products' })
  id!: string;
  @ApiProperty({ type: () => [BackendTrafficDto] })
  backends!: BackendTrafficDto[];
  @ApiProperty({ type: 'integer' })
  fallbacks!: number;
  @ApiProperty({ type: () => ShadowMinuteDto })
  shadow!: ShadowMinuteDto;
}

export class BreakerStateDto {
  @ApiProperty({ example: 'api' }) upstream!: string;
  @ApiProperty({ enum: ['closed', 'half_open', 'open'] }) state!: 'closed' | 'half_open' | 'open';
}

export class RoutesTrafficDto {
  @ApiProperty() from!: string;
  @ApiProperty() to!: string;
  @ApiProperty({ type: () => [RouteTrafficDto], description: 'routes with traffic in the span, summed over every replica' })
  routes!: RouteTrafficDto[];
  @ApiProperty({ type: () => [BreakerStateDto], description: "this replica's circuit per upstream that has changed since it started (others are closed)" })
  breakers!: BreakerStateDto[];
}

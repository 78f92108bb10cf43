import { ApiPropertyOptional } from '@nestjs/swagger';

/** One event of the admin API's stream (its `data`, as JSON; the SSE `event:` field names the kind). */
export class LiveEventDto {
  @ApiPropertyOptional({ description: 'route: the route id', example: 'GET|HEAD /api/products' })
  id?: string;
  @ApiPropertyOptional({ type: 'integer', description: "route: the routes bucket's revision of the change" })
  revision?: number;
  @ApiPropertyOptional({ description: 'route: the state it is in now' })
  state?: string;
  @ApiPropertyOptional({ description: 'route: who made the change' })
  by?: string;
  @ApiPropertyOptional({ description: 'route: why' })
  reason?: string;
  @ApiPropertyOptional({ description: 'route: the route was deleted' })
  deleted?: boolean;
  @ApiPropertyOptional({ description: 'traffic: when the counts were written (ISO 8601)' })
  at?: string;
}

import { Controller, Inject, type MessageEvent, Sse, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiExtraModels, ApiOkResponse, ApiOperation, ApiProduces, ApiTags, getSchemaPath } from '@nestjs/swagger';
import { interval, map, merge, type Observable, startWith } from 'rxjs';
import { AdminTokenGuard } from './admin-token.guard.js';
import { LiveEventDto } from './live-event.dto.js';
import { LiveFeed } from './live-feed.js';
import { ApiProblemResponses } from './problem-responses.decorator.js';

/** Keeps idle connections (and proxies between) from closing the stream. */
const HEARTBEAT_MS = 15_000;

@ApiTags('gateway admin')
@ApiBearerAuth()
@ApiExtraModels(LiveEventDto)
@ApiProblemResponses({
  401: 'missing or wrong bearer token (GATEWAY_ADMIN_TOKEN)',
  503: 'the admin API is off: GATEWAY_ADMIN_TOKEN is not set',
})
@Controller('_offramp/admin')
@UseGuards(AdminTokenGuard)
export class LiveEventsController {
  constructor(@Inject(LiveFeed) private readonly feed: LiveFeed) {}

  @Sse('events')
  @ApiOperation({
    operationId: 'liveEvents',
    summary:
      'Server-sent events: `ready` once connected, `route` when a route changes anywhere (CLI, another replica, another browser), `traffic` when new per-minute counts were written (at most one a second), `heartbeat` every 15 s',
  })
  @ApiProduces('text/event-stream')
  @ApiOkResponse({ description: 'an event stream', content: { 'text/event-stream': { schema: { $ref: getSchemaPath(LiveEventDto) } } } })
  events(): Observable<MessageEvent> {
    // `ready` first: the client knows it is connected before anything changes.
    const heartbeats = interval(HEARTBEAT_MS).pipe(map((): MessageEvent => ({ type: 'heartbeat', data: {} })));
    return merge(this.feed.events, heartbeats).pipe(startWith<MessageEvent>({ type: 'ready', data: {} }));
  }
}

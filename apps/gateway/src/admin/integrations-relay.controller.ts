import { Body, Controller, Get, HttpCode, Inject, Param, Post, Query, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiOkResponse, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { parseAdminActor } from '@offramp/platform';
import { AdminTokenGuard } from './admin-token.guard.js';
import { DeliveryDto, DeliveryListDto, PartnerListDto, PartnerReplayListDto, ReplayFailuresRequestDto, ReplayResultDto } from './integrations-relay.dto.js';
import { AuditedActionRequestDto } from './jobs-relay.dto.js';
import { ApiProblemResponses } from './problem-responses.decorator.js';
import { SliceAdminRelay } from './slice-admin-relay.js';

/** The integrations slice's partner admin API, read and replay only, relayed for the dashboard (the slice's token stays in the gateway). */
@ApiTags('gateway admin')
@ApiBearerAuth()
@ApiProblemResponses({
  401: 'missing or wrong bearer token (GATEWAY_ADMIN_TOKEN)',
  503: 'the admin API is off, or the integrations slice is unavailable (the problem names it: slice = integrations)',
})
@Controller('_offramp/admin/integrations')
@UseGuards(AdminTokenGuard)
export class IntegrationsRelayController {
  constructor(@Inject(SliceAdminRelay) private readonly relay: SliceAdminRelay) {}

  @Get('partners')
  @ApiOperation({ operationId: 'listPartners', summary: 'Every partner (integrations)' })
  @ApiOkResponse({ type: PartnerListDto })
  partners(): Promise<PartnerListDto> {
    return this.relay.call('integrations', 'GET', '/_offramp/integrations/partners');
  }

  @Get('partners/:id/deliveries')
  @ApiOperation({ operationId: 'listPartnerDeliveries', summary: "A partner's deliveries, newest first, each with its attempts (integrations)" })
  @ApiQuery({ name: 'status', required: false, enum: ['pending', 'delivered', 'dead'] })
  @ApiOkResponse({ type: DeliveryListDto })
  @ApiProblemResponses({ 400: 'an unknown status', 404: 'no such partner' })
  deliveries(@Param('id') id: string, @Query('status') status?: string): Promise<DeliveryListDto> {
    const query = status === undefined ? '' : `?${new URLSearchParams({ status }).toString()}`;
    return this.relay.call('integrations', 'GET', `/_offramp/integrations/partners/${encodeURIComponent(id)}/deliveries${query}`);
  }

  @Post('partners/:id/replay')
  @HttpCode(200)
  @ApiOperation({ operationId: 'replayPartnerFailures', summary: "A partner's dead deliveries since a time, again (integrations)" })
  @ApiOkResponse({ type: ReplayResultDto })
  @ApiProblemResponses({ 400: 'since is not a time, or no reason (invalid-params names it)', 404: 'no such partner' })
  async replayFailures(@Param('id') id: string, @Body() body: ReplayFailuresRequestDto): Promise<ReplayResultDto> {
    // checked here too, so a refused replay never reaches the slice; the slice trusts `by` only because it comes with its own token
    const actor = parseAdminActor(body);
    return this.relay.call('integrations', 'POST', `/_offramp/integrations/partners/${encodeURIComponent(id)}/replay`, { since: body?.since, ...actor });
  }

  @Post('deliveries/:id/replay')
  @HttpCode(200)
  @ApiOperation({ operationId: 'replayDelivery', summary: 'One delivery again (integrations)' })
  @ApiOkResponse({ type: DeliveryDto })
  @ApiBody({ type: AuditedActionRequestDto })
  @ApiProblemResponses({ 400: 'no reason (invalid-params names it)', 404: 'no such delivery' })
  async replay(@Param('id') id: string, @Body() body: unknown): Promise<DeliveryDto> {
    const actor = parseAdminActor(body);
    return this.relay.call('integrations', 'POST', `/_offramp/integrations/deliveries/${encodeURIComponent(id)}/replay`, actor);
  }

  @Get('replays')
  @ApiOperation({ operationId: 'listReplays', summary: 'The replays made from the admin API, newest first, with who and why (integrations)' })
  @ApiQuery({ name: 'limit', required: false, type: 'integer', description: 'Rows at most, 1-500 (default 100)' })
  @ApiOkResponse({ type: PartnerReplayListDto })
  @ApiProblemResponses({ 400: 'limit out of range' })
  replays(@Query('limit') limit?: string): Promise<PartnerReplayListDto> {
    const query = limit === undefined ? '' : `?${new URLSearchParams({ limit }).toString()}`;
    return this.relay.call('integrations', 'GET', `/_offramp/integrations/replays${query}`);
  }
}

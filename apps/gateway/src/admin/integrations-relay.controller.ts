import { Body, Controller, Get, HttpCode, Inject, Param, Post, Query, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { AdminTokenGuard } from './admin-token.guard.js';
import { DeliveryDto, DeliveryListDto, PartnerListDto, ReplayFailuresRequestDto, ReplayResultDto } from './integrations-relay.dto.js';
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
  @ApiProblemResponses({ 400: 'since is not a time', 404: 'no such partner' })
  replayFailures(@Param('id') id: string, @Body() body: ReplayFailuresRequestDto): Promise<ReplayResultDto> {
    return this.relay.call('integrations', 'POST', `/_offramp/integrations/partners/${encodeURIComponent(id)}/replay`, body ?? {});
  }

  @Post('deliveries/:id/replay')
  @HttpCode(200)
  @ApiOperation({ operationId: 'replayDelivery', summary: 'One delivery again (integrations)' })
  @ApiOkResponse({ type: DeliveryDto })
  @ApiProblemResponses({ 404: 'no such delivery' })
  replay(@Param('id') id: string): Promise<DeliveryDto> {
    return this.relay.call('integrations', 'POST', `/_offramp/integrations/deliveries/${encodeURIComponent(id)}/replay`);
  }
}

import { Body, Controller, Get, HttpCode, Param, Patch, Post, Query, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { InvalidInputException, parseAdminActor } from '@offramp/platform';
import { IntegrationsAdminGuard } from './integrations-admin.guard.js';
import { PartnerRegistry } from './partner-registry.service.js';
import type { DeliveryStatus } from './partner-tables.js';
import {
  DeliveryDto,
  DeliveryListDto,
  PartnerDto,
  PartnerListDto,
  PartnerReplayListDto,
  RegisterPartnerRequest,
  ReplayDeliveryRequest,
  ReplayFailuresRequest,
  ReplayResultDto,
  UpdatePartnerRequest,
} from './partner.dto.js';

const STATUSES: readonly DeliveryStatus[] = ['pending', 'delivered', 'dead'];

/** Partners, their deliveries and replays: integrations' own admin API (the CLI's `partners` commands call it). */
@ApiTags('partners')
@ApiBearerAuth()
@Controller('_offramp/integrations')
@UseGuards(IntegrationsAdminGuard)
export class PartnersController {
  constructor(private readonly registry: PartnerRegistry) {}

  @Post('partners')
  @ApiOperation({ operationId: 'registerPartner', summary: 'Register a partner endpoint (URL, secret, event types, enabled)' })
  @ApiCreatedResponse({ type: PartnerDto })
  register(@Body() body: RegisterPartnerRequest): Promise<PartnerDto> {
    return this.registry.register(body);
  }

  @Get('partners')
  @ApiOperation({ operationId: 'listPartners', summary: 'Every partner' })
  @ApiOkResponse({ type: PartnerListDto })
  async list(): Promise<PartnerListDto> {
    return { partners: await this.registry.list() };
  }

  @Patch('partners/:id')
  @ApiOperation({ operationId: 'updatePartner', summary: 'Change URL or event types, enable or disable, rotate the secret' })
  @ApiOkResponse({ type: PartnerDto })
  update(@Param('id') id: string, @Body() body: UpdatePartnerRequest): Promise<PartnerDto> {
    return this.registry.update(id, body);
  }

  @Get('partners/:id/deliveries')
  @ApiOperation({ operationId: 'listDeliveries', summary: "A partner's deliveries, newest first, each with every attempt" })
  @ApiQuery({ name: 'status', required: false, enum: STATUSES })
  @ApiOkResponse({ type: DeliveryListDto })
  async deliveries(@Param('id') id: string, @Query('status') status?: string): Promise<DeliveryListDto> {
    if (status !== undefined && !STATUSES.includes(status as DeliveryStatus))
      throw new InvalidInputException([{ name: 'status', reason: `one of ${STATUSES.join(', ')}` }]);
    return { deliveries: await this.registry.deliveries(id, status as DeliveryStatus | undefined) };
  }

  @Post('partners/:id/replay')
  @HttpCode(200)
  @ApiOperation({ operationId: 'replayPartnerFailures', summary: "All of a partner's dead deliveries since a time, again" })
  @ApiOkResponse({ type: ReplayResultDto })
  async replayFailures(@Param('id') id: string, @Body() body: ReplayFailuresRequest): Promise<ReplayResultDto> {
    const actor = parseAdminActor(body);
    return { replayed: await this.registry.replayFailures(id, body.since, actor) };
  }

  @Get('replays')
  @ApiOperation({ operationId: 'listReplays', summary: 'The replays made through this API, newest first, with who and why' })
  @ApiQuery({ name: 'limit', required: false, description: 'rows at most (1-500, 100 by default)' })
  @ApiOkResponse({ type: PartnerReplayListDto })
  replays(@Query('limit') limit?: string): Promise<PartnerReplayListDto> {
    const value = limit === undefined ? 100 : Number(limit);
    if (!Number.isInteger(value) || value < 1 || value > 500) throw new InvalidInputException([{ name: 'limit', reason: 'an integer from 1 to 500' }]);
    return this.registry.replays(value);
  }

  @Get('deliveries/:id')
  @ApiOperation({ operationId: 'getDelivery', summary: 'One delivery with its attempts' })
  @ApiOkResponse({ type: DeliveryDto })
  delivery(@Param('id') id: string): Promise<DeliveryDto> {
    return this.registry.delivery(id);
  }

  @Post('deliveries/:id/replay')
  @HttpCode(200)
  @ApiOperation({ operationId: 'replayDelivery', summary: 'One delivery again' })
  @ApiOkResponse({ type: DeliveryDto })
  async replay(@Param('id') id: string, @Body() body: ReplayDeliveryRequest): Promise<DeliveryDto> {
    return this.registry.replay(id, parseAdminActor(body));
  }
}

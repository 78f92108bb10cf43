import { ApiProperty } from '@nestjs/swagger';

// The integrations slice's partner admin API (apps/integrations/src/partner-webhooks/partner.dto.ts) as the gateway relays it.

export class PartnerDto {
  @ApiProperty() id!: string;
  @ApiProperty() name!: string;
  @ApiProperty() url!: string;
  @ApiProperty({ type: [String] }) eventTypes!: string[];
  @ApiProperty() enabled!: boolean;
  @ApiProperty() ordered!: boolean;
  @ApiProperty({ type: 'string', nullable: true }) disabledReason!: string | null;
  @ApiProperty({ type: 'integer', description: 'Secrets signing now (2 during a rotation)' }) signingSecrets!: number;
}

export class PartnerListDto {
  @ApiProperty({ type: [PartnerDto] }) partners!: PartnerDto[];
}

export class DeliveryAttemptDto {
  @ApiProperty({ type: 'integer' }) attempt!: number;
  @ApiProperty({ description: 'ISO time' }) at!: string;
  @ApiProperty({ type: 'integer', nullable: true }) statusCode!: number | null;
  @ApiProperty() latencyMs!: number;
  @ApiProperty({ type: 'string', nullable: true }) error!: string | null;
  @ApiProperty({ type: 'string', nullable: true }) responseExcerpt!: string | null;
}

export class DeliveryDto {
  @ApiProperty() id!: string;
  @ApiProperty() partnerId!: string;
  @ApiProperty() eventId!: string;
  @ApiProperty() subject!: string;
  @ApiProperty({ enum: ['pending', 'delivered', 'dead'] }) status!: 'pending' | 'delivered' | 'dead';
  @ApiProperty({ type: 'integer' }) attempts!: number;
  @ApiProperty() createdAt!: string;
  @ApiProperty({ type: 'string', nullable: true }) deliveredAt!: string | null;
  @ApiProperty({ type: 'string', nullable: true }) nextAttemptAt!: string | null;
  @ApiProperty({ type: 'string', nullable: true }) lastError!: string | null;
  @ApiProperty({ type: [DeliveryAttemptDto] }) attemptLog!: DeliveryAttemptDto[];
}

export class DeliveryListDto {
  @ApiProperty({ type: [DeliveryDto], description: 'Newest first' }) deliveries!: DeliveryDto[];
}

export class ReplayFailuresRequestDto {
  @ApiProperty({ example: '2026-01-31T00:00:00Z', description: 'Dead deliveries created at or after this time are tried again' })
  since!: string;
  @ApiProperty({ example: 'partner fixed its endpoint', description: "Why: kept in the slice's replays record" })
  reason!: string;
  @ApiProperty({ required: false, example: 'jane@ops', description: 'Who (default admin-api), as for route changes' })
  by?: string;
}

export class ReplayResultDto {
  @ApiProperty({ type: 'integer', description: 'Deliveries queued again' }) replayed!: number;
}

export class PartnerReplayDto {
  @ApiProperty({ description: 'The record id' }) id!: string;
  @ApiProperty() partnerId!: string;
  @ApiProperty({ type: 'string', nullable: true, description: 'The delivery replayed, for a one-delivery replay' }) deliveryId!: string | null;
  @ApiProperty({ type: 'string', nullable: true, description: "ISO time, for a replay of a partner's dead deliveries since then" }) since!: string | null;
  @ApiProperty({ type: 'integer', description: 'Deliveries queued again' }) replayed!: number;
  @ApiProperty({ description: 'Who replayed' }) actor!: string;
  @ApiProperty() reason!: string;
  @ApiProperty({ description: 'ISO time' }) at!: string;
}

export class PartnerReplayListDto {
  @ApiProperty({ type: [PartnerReplayDto], description: 'Newest first' }) replays!: PartnerReplayDto[];
}

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
}

export class ReplayResultDto {
  @ApiProperty({ type: 'integer', description: 'Deliveries queued again' }) replayed!: number;
}

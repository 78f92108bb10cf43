import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsBoolean, IsOptional, IsString, Matches, MaxLength, MinLength } from 'class-validator';

const SUBJECT_PATTERN = /^shop\.orders(\.[a-z0-9_*>-]+)*$/;

/** POST /_offramp/integrations/partners */
export class RegisterPartnerRequest {
  @ApiProperty({ example: 'acme-erp' }) @IsString() @MinLength(1) @MaxLength(100) name!: string;
  @ApiProperty({ example: 'https://erp.acme.example/hooks/offramp', description: 'http(s); private and loopback addresses are refused unless allowlisted' })
  @IsString()
  @MaxLength(2048)
  url!: string;
  @ApiPropertyOptional({ description: 'whsec_ + base64 of 24-64 bytes; generated (and answered once) when absent' })
  @IsOptional()
  @IsString()
  secret?: string;
  @ApiProperty({ example: ['shop.orders.*'], description: 'subjects or patterns under shop.orders' })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(20)
  @IsString({ each: true })
  @Matches(SUBJECT_PATTERN, { each: true, message: 'each event type must be a shop.orders subject or pattern' })
  eventTypes!: string[];
  @ApiPropertyOptional({ default: true }) @IsOptional() @IsBoolean() enabled?: boolean;
  @ApiPropertyOptional({ default: false, description: "one delivery at a time per order, in the events' order" }) @IsOptional() @IsBoolean() ordered?: boolean;
}

/** PATCH /_offramp/integrations/partners/{id} */
export class UpdatePartnerRequest {
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(2048) url?: string;
  @ApiPropertyOptional()
  @IsOptional()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(20)
  @IsString({ each: true })
  @Matches(SUBJECT_PATTERN, { each: true })
  eventTypes?: string[];
  @ApiPropertyOptional() @IsOptional() @IsBoolean() enabled?: boolean;
  @ApiPropertyOptional() @IsOptional() @IsBoolean() ordered?: boolean;
  @ApiPropertyOptional({ description: 'a new secret; the previous one keeps signing too until the next rotation' })
  @IsOptional()
  @IsString()
  rotateSecret?: string;
}

/** POST /_offramp/integrations/partners/{id}/replay */
export class ReplayFailuresRequest {
  @ApiProperty({ example: '2026-01-31T00:00:00Z', description: 'dead deliveries created at or after this time are tried again' })
  @IsString()
  since!: string;
  // required: parseAdminActor enforces it (the route changes' rule and problem), so the decorators only let it through
  @ApiProperty({ example: 'partner fixed its endpoint', description: 'why: kept in the replays record' })
  @IsOptional()
  reason?: string;
  @ApiPropertyOptional({ example: 'jane@ops', description: 'who (default admin-api): the name the gateway passes for its admin caller' })
  @IsOptional()
  by?: string;
}

/** POST /_offramp/integrations/deliveries/{id}/replay */
export class ReplayDeliveryRequest {
  @ApiProperty({ example: 'partner fixed its endpoint', description: 'why: kept in the replays record' })
  @IsOptional()
  reason?: string;
  @ApiPropertyOptional({ example: 'jane@ops', description: 'who (default admin-api): the name the gateway passes for its admin caller' })
  @IsOptional()
  by?: string;
}

export class PartnerReplayDto {
  @ApiProperty({ description: 'the record id' }) id!: string;
  @ApiProperty() partnerId!: string;
  @ApiProperty({ type: 'string', nullable: true, description: 'the delivery replayed, for a one-delivery replay' }) deliveryId!: string | null;
  @ApiProperty({ type: 'string', nullable: true, description: "ISO time, for a replay of a partner's dead deliveries since then" }) since!: string | null;
  @ApiProperty({ type: 'integer', description: 'deliveries queued again' }) replayed!: number;
  @ApiProperty({ description: 'who replayed' }) actor!: string;
  @ApiProperty() reason!: string;
  @ApiProperty({ description: 'ISO time' }) at!: string;
}

export class PartnerReplayListDto {
  @ApiProperty({ type: [PartnerReplayDto], description: 'newest first' }) replays!: PartnerReplayDto[];
}

export class PartnerDto {
  @ApiProperty() id!: string;
  @ApiProperty() name!: string;
  @ApiProperty() url!: string;
  @ApiProperty({ type: [String] }) eventTypes!: string[];
  @ApiProperty() enabled!: boolean;
  @ApiProperty() ordered!: boolean;
  @ApiProperty({ type: 'string', nullable: true }) disabledReason!: string | null;
  @ApiProperty({ description: 'secrets signing now (2 during a rotation)' }) signingSecrets!: number;
  @ApiPropertyOptional({ description: 'only in the answer to a registration without a secret' }) secret?: string;
}

export class PartnerListDto {
  @ApiProperty({ type: [PartnerDto] }) partners!: PartnerDto[];
}

export class DeliveryAttemptDto {
  @ApiProperty() attempt!: number;
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
  @ApiProperty({ enum: ['pending', 'delivered', 'dead'] }) status!: string;
  @ApiProperty() attempts!: number;
  @ApiProperty() createdAt!: string;
  @ApiProperty({ type: 'string', nullable: true }) deliveredAt!: string | null;
  @ApiProperty({ type: 'string', nullable: true }) nextAttemptAt!: string | null;
  @ApiProperty({ type: 'string', nullable: true }) lastError!: string | null;
  @ApiProperty({ type: [DeliveryAttemptDto] }) attemptLog!: DeliveryAttemptDto[];
}

export class DeliveryListDto {
  @ApiProperty({ type: [DeliveryDto] }) deliveries!: DeliveryDto[];
}

export class ReplayResultDto {
  @ApiProperty({ description: 'deliveries queued again' }) replayed!: number;
}

import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

class PaymentEventDataDto {
  @ApiPropertyOptional({ type: 'integer', description: 'required for payment.succeeded' }) order_id?: number;
  @ApiPropertyOptional({ type: 'integer', description: 'required for payment.succeeded; must equal the order total' }) amount_cents?: number;
}

/** The provider's event, as the monolith's rules accept it. */
export class PaymentEventDto {
  @ApiProperty({ maxLength: 191, example: 'evt_3f1c2a' }) id!: string;
  @ApiProperty({ maxLength: 64, example: 'payment.succeeded' }) type!: string;
  @ApiProperty({ type: PaymentEventDataDto }) data!: PaymentEventDataDto;
}

export class PaymentOutcomeDto {
  @ApiProperty({ enum: ['processed', 'ignored', 'duplicate'] }) status!: string;
  @ApiPropertyOptional({ enum: ['unhandled_type', 'unknown_order', 'already_paid', 'amount_mismatch'] }) reason?: string;
  @ApiPropertyOptional({ type: 'integer' }) order_id?: number;
}

export class SignatureErrorDto {
  @ApiProperty({ enum: ['invalid_signature', 'timestamp_expired'] }) error!: string;
  @ApiProperty({ example: 'The signature does not match the payload.' }) message!: string;
}

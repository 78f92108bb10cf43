import { ApiProperty } from '@nestjs/swagger';

export class CarrierRateDto {
  @ApiProperty({ example: 'ground' }) service!: string;
  @ApiProperty({ type: 'integer', example: 699 }) amount_cents!: number;
  @ApiProperty({ type: 'integer', nullable: true, example: 5 }) days!: number | null;
}

export class ShippingQuoteDto {
  @ApiProperty({ example: '10115' }) zip!: string;
  @ApiProperty({ type: 'integer', example: 1200 }) weight_grams!: number;
  @ApiProperty({ example: 'USD' }) currency!: string;
  @ApiProperty({ type: [CarrierRateDto] }) rates!: CarrierRateDto[];
}

export class CarrierErrorDto {
  @ApiProperty({ example: 'Carrier did not answer within 2000 ms.' }) message!: string;
  @ApiProperty({ enum: ['carrier_timeout', 'carrier_unavailable', 'carrier_bad_response'] }) error!: string;
}

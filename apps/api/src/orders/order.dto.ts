import { ApiProperty } from '@nestjs/swagger';

export class OrderItemDto {
  @ApiProperty({ type: 'integer' }) id!: number;
  @ApiProperty({ type: 'integer' }) order_id!: number;
  @ApiProperty({ type: 'integer' }) product_id!: number;
  @ApiProperty({ type: 'integer' }) quantity!: number;
  @ApiProperty({ type: 'integer' }) unit_price_cents!: number;
}

/** An order as the monolith's Eloquent model serializes it, items by id. */
export class OrderDto {
  @ApiProperty({ type: 'integer' }) id!: number;
  @ApiProperty({ type: 'integer' }) user_id!: number;
  @ApiProperty({ enum: ['pending', 'paid'] }) status!: string;
  @ApiProperty({ type: 'integer' }) total_cents!: number;
  @ApiProperty({ minLength: 3, maxLength: 3, example: 'USD' }) currency!: string;
  @ApiProperty({ type: 'string', format: 'date-time', nullable: true }) paid_at!: string | null;
  @ApiProperty({ type: 'string', nullable: true }) payment_reference!: string | null;
  @ApiProperty({ type: 'string', format: 'date-time', nullable: true }) created_at!: string | null;
  @ApiProperty({ type: 'string', format: 'date-time', nullable: true }) updated_at!: string | null;
  @ApiProperty({ type: [OrderItemDto] }) items!: OrderItemDto[];
}

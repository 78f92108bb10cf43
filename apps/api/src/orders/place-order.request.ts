import { ApiProperty } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { Allow, ValidateNested } from 'class-validator';
import type { LaravelRuleSet } from '@offramp/legacy-bridge';

export const MAX_ORDER_LINES = 50;

export class PlaceOrderLine {
  @ApiProperty({ type: 'integer', minimum: 1, description: 'an existing product' })
  @Allow()
  product_id!: number;

  @ApiProperty({ type: 'integer', minimum: 1, maximum: 1000 })
  @Allow()
  quantity!: number;
}

/** POST /api/orders. Lines for the same product are merged before the stock is taken. */
export class PlaceOrderRequest {
  @ApiProperty({ type: [PlaceOrderLine], minItems: 1, maxItems: MAX_ORDER_LINES })
  @ValidateNested({ each: true })
  @Type(() => PlaceOrderLine)
  items!: PlaceOrderLine[];
}

/**
 * OrderController::store's rules, in its order (the monolith is the reference). Fields the rules do
 * not name are ignored, as the monolith ignores them (`$request->validate()` returns the validated
 * ones): a client that sends `coupon` gets the order Laravel would have placed, not a 422.
 */
export const PLACE_ORDER_RULES: LaravelRuleSet = [
  ['items', ['required', 'array', 'min:1', `max:${MAX_ORDER_LINES}`]],
  ['items.*', ['required', 'array']],
  ['items.*.product_id', ['required', 'integer', 'exists:products,id']],
  ['items.*.quantity', ['required', 'integer', 'min:1', 'max:1000']],
];

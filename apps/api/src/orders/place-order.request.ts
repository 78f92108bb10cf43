import { ApiProperty } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { Allow, ValidateNested, validate } from 'class-validator';
import { plainToInstance } from 'class-transformer';
import type { LaravelErrors, LaravelRuleSet } from '@offramp/legacy-bridge';

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

/** OrderController::store's rules, in its order (the monolith is the reference). */
export const PLACE_ORDER_RULES: LaravelRuleSet = [
  ['items', ['required', 'array', 'min:1', `max:${MAX_ORDER_LINES}`]],
  ['items.*', ['required', 'array']],
  ['items.*.product_id', ['required', 'integer', 'exists:products,id']],
  ['items.*.quantity', ['required', 'integer', 'min:1', 'max:1000']],
];

/**
 * Fields the request classes do not declare are refused (class-validator's whitelist), named in
 * Laravel's error shape. The monolith silently ignored them; the api refuses, so that a typo such
 * as `qty` cannot place an order the client did not mean.
 */
export async function unknownFields(body: unknown): Promise<LaravelErrors> {
  const errors: LaravelErrors = new Map();
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return errors;
  const found = await validate(plainToInstance(PlaceOrderRequest, body), { whitelist: true, forbidNonWhitelisted: true });
  const walk = (list: typeof found, prefix: string) => {
    for (const error of list) {
      const path = prefix ? `${prefix}.${error.property}` : error.property;
      if (error.constraints?.whitelistValidation) errors.set(path, [`The ${path} field is prohibited.`]);
      walk(error.children ?? [], path);
    }
  };
  walk(found, '');
  return errors;
}

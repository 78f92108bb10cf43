import { ApiProperty } from '@nestjs/swagger';

/** Laravel's error body for 401, 403, 404, 429 and 500 on the routes taken from the monolith. */
export class LaravelErrorDto {
  @ApiProperty({ example: 'No query results for model [App\\Models\\Product] 42' }) message!: string;
}

/** Laravel's 422: every invalid attribute (dotted path) with its messages. */
export class LaravelValidationErrorDto {
  @ApiProperty({ example: 'The given data was invalid.' }) message!: string;
  @ApiProperty({
    type: 'object',
    additionalProperties: { type: 'array', items: { type: 'string' } },
    example: { 'items.0.quantity': ['The items.0.quantity must be at least 1.'] },
  })
  errors!: Record<string, string[]>;
}

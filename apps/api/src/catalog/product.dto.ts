import { ApiProperty } from '@nestjs/swagger';

export class CategoryRefDto {
  @ApiProperty({ type: 'integer' }) id!: number;
  @ApiProperty() name!: string;
  @ApiProperty() slug!: string;
}

/** A product as the monolith's Eloquent model serializes it. */
export class ProductDto {
  @ApiProperty({ type: 'integer' }) id!: number;
  @ApiProperty({ type: 'integer' }) category_id!: number;
  @ApiProperty() sku!: string;
  @ApiProperty() name!: string;
  @ApiProperty() slug!: string;
  @ApiProperty() description!: string;
  @ApiProperty({ type: 'integer', description: 'price in cents of `currency`' }) price_cents!: number;
  @ApiProperty({ minLength: 3, maxLength: 3, example: 'USD' }) currency!: string;
  @ApiProperty({ type: 'integer' }) stock!: number;
  @ApiProperty({ type: 'integer' }) popularity!: number;
  @ApiProperty({ type: 'string', format: 'date-time', nullable: true, example: '2024-01-01T00:00:37.000000Z' }) created_at!: string | null;
  @ApiProperty({ type: 'string', format: 'date-time', nullable: true, example: '2024-01-01T00:00:37.000000Z' }) updated_at!: string | null;
  @ApiProperty({ type: CategoryRefDto, nullable: true }) category!: CategoryRefDto | null;
}

export class PaginatorLinkDto {
  @ApiProperty({ type: 'string', nullable: true }) url!: string | null;
  @ApiProperty({ example: '&laquo; Previous' }) label!: string;
  @ApiProperty() active!: boolean;
}

/** Laravel's LengthAwarePaginator JSON. */
export class ProductPageDto {
  @ApiProperty({ type: 'integer' }) current_page!: number;
  @ApiProperty({ type: [ProductDto] }) data!: ProductDto[];
  @ApiProperty() first_page_url!: string;
  @ApiProperty({ type: 'integer', nullable: true }) from!: number | null;
  @ApiProperty({ type: 'integer' }) last_page!: number;
  @ApiProperty() last_page_url!: string;
  @ApiProperty({ type: [PaginatorLinkDto] }) links!: PaginatorLinkDto[];
  @ApiProperty({ type: 'string', nullable: true }) next_page_url!: string | null;
  @ApiProperty() path!: string;
  @ApiProperty({ type: 'integer' }) per_page!: number;
  @ApiProperty({ type: 'string', nullable: true }) prev_page_url!: string | null;
  @ApiProperty({ type: 'integer', nullable: true }) to!: number | null;
  @ApiProperty({ type: 'integer' }) total!: number;
}

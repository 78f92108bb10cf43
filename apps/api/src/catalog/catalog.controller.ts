import { Controller, Get, Header, Param, Req, UseFilters } from '@nestjs/common';
import { ApiExtraModels, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiParam, ApiQuery, ApiTags, ApiUnprocessableEntityResponse } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { LaravelRequestUrl, lengthAwarePaginator, parsePhpQuery, phpJson } from '@offramp/legacy-bridge';
import { LaravelErrorDto, LaravelExceptionFilter, LaravelModelNotFoundException, laravelRouteId, LaravelValidationErrorDto } from '@offramp/legacy-bridge/nest';
import { ProductDto, ProductPageDto } from './product.dto.js';
import { PRODUCT_SORTS, ProductSearch } from './product-search.js';

/** GET /api/products and /api/products/{id}, answering exactly as the monolith does. */
@ApiTags('catalog')
@ApiExtraModels(LaravelErrorDto)
@Controller('api/products')
@UseFilters(LaravelExceptionFilter)
export class CatalogController {
  private readonly requestUrl = new LaravelRequestUrl();

  constructor(private readonly search: ProductSearch) {}

  @Get()
  @Header('content-type', 'application/json')
  @Header('cache-control', 'no-cache, private')
  @ApiOperation({ operationId: 'listProducts', summary: 'Search the catalog (Laravel paginator JSON)' })
  @ApiQuery({ name: 'q', required: false, type: String, description: 'substring of name or SKU, case-insensitive (max 100)' })
  @ApiQuery({ name: 'category', required: false, type: String, description: 'category slug' })
  @ApiQuery({ name: 'sort', required: false, enum: PRODUCT_SORTS, description: 'default: id ascending; id breaks ties' })
  @ApiQuery({ name: 'page', required: false, type: 'integer', description: '1-based' })
  @ApiQuery({ name: 'per_page', required: false, type: 'integer', description: 'default 15, values above 100 are clamped' })
  @ApiOkResponse({ type: ProductPageDto })
  @ApiUnprocessableEntityResponse({ type: LaravelValidationErrorDto })
  async list(@Req() request: FastifyRequest): Promise<Buffer> {
    const rawQuery = request.url.includes('?') ? request.url.slice(request.url.indexOf('?') + 1) : '';
    const query = parsePhpQuery(rawQuery);
    const page = await this.search.search(query);
    return Buffer.from(phpJson(lengthAwarePaginator({ ...page, path: this.requestUrl.url(request), query })));
  }

  @Get(':id')
  @ApiParam({ name: 'id', type: 'integer', description: "digits only, as the monolith's route pattern" })
  @Header('content-type', 'application/json')
  @Header('cache-control', 'no-cache, private')
  @ApiOperation({ operationId: 'getProduct', summary: 'One product with its category' })
  @ApiOkResponse({ type: ProductDto })
  @ApiNotFoundResponse({ type: LaravelErrorDto })
  async show(@Param('id') id: string): Promise<Buffer> {
    // The monolith's route pattern for {id} is [0-9]+; anything else matches no route.
    const normalized = laravelRouteId(id, 'Product');
    const product = await this.search.find(normalized);
    if (!product) throw new LaravelModelNotFoundException('Product', normalized);
    return Buffer.from(phpJson(product));
  }
}

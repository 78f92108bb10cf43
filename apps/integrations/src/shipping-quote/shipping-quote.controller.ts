import { Controller, Get, Req, Res, UseFilters } from '@nestjs/common';
import {
  ApiBadGatewayResponse,
  ApiGatewayTimeoutResponse,
  ApiOkResponse,
  ApiOperation,
  ApiQuery,
  ApiTags,
  ApiUnprocessableEntityResponse,
} from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { type LaravelRuleSet, parsePhpQuery, phpJson, validateLaravel } from '@offramp/legacy-bridge';
import { LaravelExceptionFilter, LaravelValidationErrorDto, LaravelValidationException } from '@offramp/legacy-bridge/nest';
import { CarrierError } from './carrier-error.js';
import { CarrierErrorDto, ShippingQuoteDto } from './shipping-quote.dto.js';
import { ShippingQuotes } from './shipping-quote.service.js';

/** ShippingController::quote's rules. */
export const QUOTE_RULES: LaravelRuleSet = [
  ['zip', ['required', 'string', 'regex:/^[A-Za-z0-9 -]{3,10}$/']],
  ['weight', ['required', 'integer', 'min:1', 'max:70000']],
];

/** TrimStrings and ConvertEmptyStringsToNull over the query string, as the monolith's global middleware. */
function laravelQuery(rawQuery: string): Map<string, unknown> {
  const clean = (value: unknown): unknown => {
    if (typeof value === 'string') {
      const trimmed = value.trim();
      return trimmed === '' ? null : trimmed;
    }
    if (value instanceof Map) return new Map([...value].map(([key, item]) => [key, clean(item)]));
    return value;
  };
  return clean(parsePhpQuery(rawQuery)) as Map<string, unknown>;
}

/** GET /api/shipping/quote, taken over from the monolith: same statuses and JSON, without blocking a worker on the carrier. */
@ApiTags('shipping')
@Controller('api/shipping/quote')
@UseFilters(LaravelExceptionFilter)
export class ShippingQuoteController {
  constructor(private readonly quotes: ShippingQuotes) {}

  @Get()
  @ApiOperation({ operationId: 'getShippingQuote', summary: "The carrier's rates for a zip and a weight in grams" })
  @ApiQuery({ name: 'zip', type: 'string', pattern: '^[A-Za-z0-9 -]{3,10}$' })
  @ApiQuery({ name: 'weight', type: 'integer', minimum: 1, maximum: 70_000, description: 'grams' })
  @ApiOkResponse({ type: ShippingQuoteDto })
  @ApiUnprocessableEntityResponse({ type: LaravelValidationErrorDto })
  @ApiBadGatewayResponse({ type: CarrierErrorDto, description: 'carrier_unavailable or carrier_bad_response' })
  @ApiGatewayTimeoutResponse({ type: CarrierErrorDto, description: 'carrier_timeout (CARRIER_TIMEOUT_MS)' })
  async quote(@Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply): Promise<Buffer> {
    const query = laravelQuery(request.url.split('?')[1] ?? '');
    const errors = validateLaravel(query, QUOTE_RULES);
    if (errors.size > 0) throw new LaravelValidationException(errors);
    void reply.header('content-type', 'application/json').header('cache-control', 'no-cache, private');
    const zip = query.get('zip') as string;
    const weight = Math.trunc(Number(query.get('weight')));
    try {
      return Buffer.from(phpJson(await this.quotes.quote(zip, weight)));
    } catch (error) {
      if (!(error instanceof CarrierError)) throw error;
      void reply.status(error.kind === 'timeout' ? 504 : 502);
      return Buffer.from(phpJson({ message: error.message, error: `carrier_${error.kind}` }));
    }
  }
}

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
import { laravelRequestInput, type LaravelRuleSet, phpJson, validateLaravel } from '@offramp/legacy-bridge';
import { LaravelExceptionFilter, LaravelValidationErrorDto, LaravelValidationException } from '@offramp/legacy-bridge/nest';
import { CarrierError } from './carrier-error.js';
import { CarrierErrorDto, ShippingQuoteDto } from './shipping-quote.dto.js';
import { ShippingQuotes } from './shipping-quote.service.js';

/** ShippingController::quote's rules. */
export const QUOTE_RULES: LaravelRuleSet = [
  ['zip', ['required', 'string', 'regex:/^[A-Za-z0-9 -]{3,10}$/']],
  ['weight', ['required', 'integer', 'min:1', 'max:70000']],
];

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
    // $request->validate() reads $request->all(): query and body, after TrimStrings and ConvertEmptyStringsToNull.
    const input = laravelRequestInput({
      method: request.method,
      contentType: request.headers['content-type'],
      query: request.url.split('?')[1] ?? '',
      body: Buffer.isBuffer(request.body) ? request.body : undefined,
    }) as Record<string, unknown>;
    const errors = validateLaravel(input, QUOTE_RULES);
    if (errors.size > 0) throw new LaravelValidationException(errors);
    void reply.header('content-type', 'application/json').header('cache-control', 'no-cache, private');
    const zip = input['zip'] as string;
    const weight = Math.trunc(Number(input['weight']));
    try {
      return Buffer.from(phpJson(await this.quotes.quote(zip, weight)));
    } catch (error) {
      if (!(error instanceof CarrierError)) throw error;
      void reply.status(error.kind === 'timeout' ? 504 : 502);
      return Buffer.from(phpJson({ message: error.message, error: `carrier_${error.kind}` }));
    }
  }
}

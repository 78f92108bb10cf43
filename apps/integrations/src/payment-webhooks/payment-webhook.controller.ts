import { Controller, HttpCode, Inject, Logger, Post, Req, Res, UseFilters } from '@nestjs/common';
import { ApiBadRequestResponse, ApiBody, ApiHeader, ApiOkResponse, ApiOperation, ApiTags, ApiUnprocessableEntityResponse } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { isPhpArray, phpJson, phpJsonDecode, validateLaravel } from '@offramp/legacy-bridge';
import { LaravelExceptionFilter, LaravelValidationErrorDto, LaravelValidationException } from '@offramp/legacy-bridge/nest';
import { SERVICE_CONFIG, verifyTimestamped } from '@offramp/platform';
import type { IntegrationsConfig } from '../integrations.config.js';
import { PaymentEventDto, PaymentOutcomeDto, SignatureErrorDto } from './payment-webhook.dto.js';
import { PAYMENT_EVENT_RULES, type PaymentEvent } from './payment-event.rules.js';
import { signatureError } from './payment-signature-errors.js';
import { RecordPaymentEvent } from './record-payment-event.service.js';

/** json_decode($body, true) fed to the validator (`is_array($event) ? $event : []`), PHP's types kept. */
function decodeEvent(body: Buffer): unknown {
  const decoded = phpJsonDecode(body);
  return isPhpArray(decoded) ? decoded : {};
}

/** POST /webhooks/payments, PaymentWebhookController taken over: its statuses and JSON bodies, byte for byte. */
@ApiTags('payment-webhooks')
@Controller('webhooks/payments')
@UseFilters(LaravelExceptionFilter)
export class PaymentWebhookController {
  private readonly logger = new Logger('PaymentWebhook');

  constructor(
    private readonly payments: RecordPaymentEvent,
    @Inject(SERVICE_CONFIG) private readonly config: IntegrationsConfig,
  ) {}

  @Post()
  @HttpCode(200)
  @ApiOperation({ operationId: 'receivePaymentEvent', summary: "The payment provider's event, verified on the raw body" })
  @ApiHeader({
    name: 'Payment-Signature',
    required: true,
    description: 't=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<raw body>">; several v1 during rotation',
  })
  @ApiBody({ type: PaymentEventDto })
  @ApiOkResponse({ type: PaymentOutcomeDto, description: 'processed, ignored (recorded, nothing to do) or duplicate' })
  @ApiBadRequestResponse({ type: SignatureErrorDto, description: 'invalid_signature or timestamp_expired; nothing recorded' })
  @ApiUnprocessableEntityResponse({ type: LaravelValidationErrorDto, description: 'signed, but not the documented event; nothing recorded' })
  async receive(@Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply): Promise<Buffer> {
    const body = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
    void reply.header('content-type', 'application/json').header('cache-control', 'no-cache, private');
    const header = request.headers['payment-signature'];
    const check = verifyTimestamped(
      Array.isArray(header) ? header.join(', ') : header,
      body,
      this.config.PAYMENT_WEBHOOK_SECRET,
      this.config.PAYMENT_WEBHOOK_TOLERANCE,
    );
    if (check !== 'ok') {
      void reply.status(400);
      return Buffer.from(phpJson(signatureError(check)));
    }

    const event = decodeEvent(body);
    const errors = validateLaravel(event, PAYMENT_EVENT_RULES);
    if (errors.size > 0) throw new LaravelValidationException(errors);
    const valid = event as PaymentEvent;

    if (await this.payments.alreadyRecorded(valid.id)) return Buffer.from(phpJson({ status: 'duplicate' }));
    const outcome = await this.payments.record(valid, body.toString('utf8'));
    this.logger.log({ event_id: valid.id, result: outcome }, 'payment webhook');
    return Buffer.from(phpJson(outcome));
  }
}

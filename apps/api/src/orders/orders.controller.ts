import { Controller, ForbiddenException, Get, Header, HttpCode, Param, Post, Req, Res, UnauthorizedException, UseFilters, UseGuards } from '@nestjs/common';
import {
  ApiBody,
  ApiParam,
  ApiCreatedResponse,
  ApiForbiddenResponse,
  ApiHeader,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  ApiTooManyRequestsResponse,
  ApiUnauthorizedResponse,
  ApiUnprocessableEntityResponse,
} from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { CurrentIdentity, IDENTITY_HEADER, IdentityGuard, type OfframpIdentity } from '@offramp/platform';
import { CsrfClaimGuard } from '../identity/csrf-claim.guard.js';
import { IdentityThrottlerGuard } from '../identity/identity-throttler.guard.js';
import { LaravelRequestUrl, laravelRequestInput, phpJson } from '@offramp/legacy-bridge';
import { LaravelErrorDto, LaravelExceptionFilter, LaravelModelNotFoundException, laravelRouteId, LaravelValidationErrorDto } from '@offramp/legacy-bridge/nest';
import { OrderDto } from './order.dto.js';
import { orderJson } from './order.json.js';
import { PlaceOrderRequest } from './place-order.request.js';
import { PlaceOrder } from './place-order.service.js';

/** POST /api/orders and GET /api/orders/{id} for the caller the gateway vouches for. */
@ApiTags('orders')
@ApiHeader({ name: IDENTITY_HEADER, required: true, description: "the gateway's signed identity token" })
@ApiUnauthorizedResponse({ type: LaravelErrorDto, description: 'no valid identity token' })
@ApiTooManyRequestsResponse({ type: LaravelErrorDto, description: 'rate limit per identity' })
@Controller('api/orders')
@UseFilters(LaravelExceptionFilter)
@UseGuards(IdentityGuard, IdentityThrottlerGuard)
export class OrdersController {
  private readonly requestUrl = new LaravelRequestUrl();

  constructor(private readonly placeOrder: PlaceOrder) {}

  @Post()
  @UseGuards(CsrfClaimGuard)
  @HttpCode(201)
  @Header('content-type', 'application/json')
  @Header('cache-control', 'no-cache, private')
  @ApiOperation({ operationId: 'placeOrder', summary: 'Place an order (stock taken in the same transaction)' })
  @ApiBody({ type: PlaceOrderRequest })
  @ApiCreatedResponse({ type: OrderDto, headers: { Location: { description: 'URL of the new order', schema: { type: 'string' } } } })
  @ApiUnprocessableEntityResponse({ type: LaravelValidationErrorDto, description: 'invalid input or insufficient stock' })
  async place(@CurrentIdentity() identity: OfframpIdentity, @Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply): Promise<Buffer> {
    const userId = userIdOf(identity);
    // `$request->all()`: the body as Laravel reads it (no input for a body it cannot read), then the query.
    const input = laravelRequestInput({
      method: request.method,
      contentType: request.headers['content-type'],
      query: request.url.includes('?') ? request.url.slice(request.url.indexOf('?') + 1) : '',
      body: Buffer.isBuffer(request.body) ? request.body : undefined,
    });
    const orderId = await this.placeOrder.place(userId, input);
    const order = await this.placeOrder.find(String(orderId));
    if (!order) throw new Error(`order ${orderId} not found right after its commit`);
    void reply.header('location', `${this.requestUrl.schemeAndHttpHost(request)}/api/orders/${orderId}`);
    return Buffer.from(phpJson(orderJson(order)));
  }

  @Get(':id')
  @ApiParam({ name: 'id', type: 'integer', description: "digits only, as the monolith's route pattern" })
  @Header('content-type', 'application/json')
  @Header('cache-control', 'no-cache, private')
  @ApiOperation({ operationId: 'getOrder', summary: "One of the caller's orders with its items" })
  @ApiOkResponse({ type: OrderDto })
  @ApiForbiddenResponse({ type: LaravelErrorDto, description: "someone else's order" })
  @ApiNotFoundResponse({ type: LaravelErrorDto })
  async show(@CurrentIdentity() identity: OfframpIdentity, @Param('id') id: string): Promise<Buffer> {
    const normalized = laravelRouteId(id, 'Order');
    const userId = userIdOf(identity);
    const order = await this.placeOrder.find(normalized);
    if (!order) throw new LaravelModelNotFoundException('Order', normalized);
    if (Number(order.userId) !== userId) throw new ForbiddenException();
    return Buffer.from(phpJson(orderJson(order)));
  }
}

function userIdOf(identity: OfframpIdentity): number {
  const userId = Number(identity.userId);
  if (!Number.isSafeInteger(userId) || userId < 1) throw new UnauthorizedException();
  return userId;
}

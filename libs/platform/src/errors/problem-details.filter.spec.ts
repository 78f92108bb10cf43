import { Body, Controller, Get, Module, Post } from '@nestjs/common';
import { APP_FILTER, APP_PIPE } from '@nestjs/core';
import { Test } from '@nestjs/testing';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { Type } from 'class-transformer';
import { IsInt, IsString, Min, MinLength, ValidateNested } from 'class-validator';
import { ProblemDetailsFilter } from './problem-details.filter.js';
import { createValidationPipe } from './validation.js';

class LineDto {
  @IsInt()
  @Min(1)
  quantity!: number;
}

class OrderDto {
  @IsString()
  @MinLength(3)
  reference!: string;

  @ValidateNested({ each: true })
  @Type(() => LineDto)
  lines!: LineDto[];
}

@Controller('probe')
class ProbeController {
  @Post('orders')
  place(@Body() order: OrderDto) {
    return { accepted: order.reference };
  }

  @Get('crash')
  crash() {
    throw new Error('SELECT * FROM secret_table failed at /srv/app/db.ts:12');
  }
}

@Module({
  controllers: [ProbeController],
  providers: [
    { provide: APP_FILTER, useClass: ProblemDetailsFilter },
    { provide: APP_PIPE, useFactory: createValidationPipe },
  ],
})
class ProbeModule {}

describe('ProblemDetailsFilter (in-process Fastify)', () => {
  let app: NestFastifyApplication;

  beforeAll(async () => {
    const moduleRef = await Test.createTestingModule({ imports: [ProbeModule] }).compile();
    app = moduleRef.createNestApplication<NestFastifyApplication>(new FastifyAdapter(), { logger: false });
    await app.init();
    await app.getHttpAdapter().getInstance().ready();
  });

  afterAll(() => app.close());

  const post = (payload: string) => app.inject({ method: 'POST', url: '/probe/orders', payload, headers: { 'content-type': 'application/json' } });

  it('names every invalid field, nested ones by path', async () => {
    const response = await post(JSON.stringify({ reference: 'x', lines: [{ quantity: 0 }] }));
    expect(response.statusCode).toBe(400);
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    const body = response.json();
    expect(body).toMatchObject({ type: 'about:blank', title: 'Bad Request', status: 400, instance: '/probe/orders' });
    expect(body['invalid-params'].map((p: { name: string }) => p.name).sort()).toEqual(['lines.0.quantity', 'reference']);
  });

  it('refuses unknown fields instead of dropping them', async () => {
    const response = await post(JSON.stringify({ reference: 'abc', lines: [], isAdmin: true }));
    expect(response.statusCode).toBe(400);
    expect(response.json()['invalid-params']).toEqual([{ name: 'isAdmin', reason: 'property isAdmin should not exist' }]);
  });

  it('accepts valid input', async () => {
    const response = await post(JSON.stringify({ reference: 'abc', lines: [{ quantity: 2 }] }));
    expect(response.statusCode).toBe(201);
    expect(response.json()).toEqual({ accepted: 'abc' });
  });

  it('answers unparseable JSON with a 400 problem', async () => {
    const response = await post('{"reference":');
    expect(response.statusCode).toBe(400);
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
  });

  it('never lets an internal error message or stack reach the client', async () => {
    const response = await app.inject({ method: 'GET', url: '/probe/crash' });
    expect(response.statusCode).toBe(500);
    expect(response.json()).toEqual({ type: 'about:blank', title: 'Internal Server Error', status: 500, instance: '/probe/crash' });
    expect(response.body).not.toMatch(/secret_table|\.ts:\d+|at /);
  });

  it('answers unknown routes with a 404 problem', async () => {
    const response = await app.inject({ method: 'GET', url: '/nowhere' });
    expect(response.statusCode).toBe(404);
    expect(response.json()).toMatchObject({ status: 404, title: 'Not Found' });
  });
});

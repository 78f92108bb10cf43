import { Controller, ForbiddenException, Get, HttpException, Module, UnauthorizedException, UseFilters } from '@nestjs/common';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { Test } from '@nestjs/testing';
import { LaravelExceptionFilter } from './laravel-exception-filter.js';
import { LaravelModelNotFoundException, LaravelRouteNotFoundException, LaravelValidationException } from './laravel-exceptions.js';

@Controller('probe')
@UseFilters(LaravelExceptionFilter)
class ProbeController {
  @Get('invalid')
  invalid() {
    throw new LaravelValidationException(
      new Map([
        ['q', ['The q must be a string.']],
        ['items.0.quantity', ['The items.0.quantity must be an integer.', 'The items.0.quantity must be at least 1.']],
      ]),
    );
  }

  @Get('missing')
  missing() {
    throw new LaravelModelNotFoundException('Product', '42');
  }

  @Get('no-route')
  noRoute() {
    throw new LaravelRouteNotFoundException();
  }

  @Get('unauthenticated')
  unauthenticated() {
    throw new UnauthorizedException('token expired');
  }

  @Get('forbidden')
  forbidden() {
    throw new ForbiddenException('not yours');
  }

  @Get('throttled')
  throttled() {
    // What @nestjs/throttler's ThrottlerException is (Jest's ESM mode cannot load the package).
    throw new HttpException('ThrottlerException: Too Many Requests', 429);
  }

  @Get('expired')
  expired() {
    throw new HttpException('CSRF token mismatch.', 419);
  }

  @Get('unicode')
  unicode() {
    throw new HttpException('Größe/Farbe', 400);
  }

  @Get('crash')
  crash() {
    throw new Error('SQLITE_BUSY at /srv/app/db.ts');
  }

  @Get('upstream')
  upstream() {
    throw new HttpException('Bad Gateway details', 502);
  }
}

@Module({ controllers: [ProbeController] })
class ProbeModule {}

describe("LaravelExceptionFilter: the monolith's error answers (in-process Fastify)", () => {
  let app: NestFastifyApplication;

  beforeAll(async () => {
    const moduleRef = await Test.createTestingModule({ imports: [ProbeModule] }).compile();
    app = moduleRef.createNestApplication<NestFastifyApplication>(new FastifyAdapter(), { logger: false });
    await app.init();
    await app.getHttpAdapter().getInstance().ready();
  });

  afterAll(() => app.close());

  const answer = async (path: string) => {
    const response = await app.inject({ method: 'GET', url: `/probe/${path}` });
    return { status: response.statusCode, type: response.headers['content-type'], cache: response.headers['cache-control'], body: response.body };
  };

  it("answers a ValidationException as invalidJson does: 422, compact, errors in the validator's order", async () => {
    expect(await answer('invalid')).toEqual({
      status: 422,
      type: 'application/json',
      cache: 'no-cache, private',
      body: '{"message":"The given data was invalid.","errors":{"q":["The q must be a string."],"items.0.quantity":["The items.0.quantity must be an integer.","The items.0.quantity must be at least 1."]}}',
    });
  });

  it('answers findOrFail and an unmatched route pattern with the handler pretty print', async () => {
    expect(await answer('missing')).toEqual({
      status: 404,
      type: 'application/json',
      cache: 'no-cache, private',
      body: '{\n    "message": "No query results for model [App\\\\Models\\\\Product] 42"\n}',
    });
    expect((await answer('no-route')).body).toBe('{\n    "message": ""\n}');
    expect(new LaravelModelNotFoundException('Invoice', '7', 'Billing').message).toBe('No query results for model [Billing\\Invoice] 7');
  });

  it("gives Laravel's own words for 401, 403 and 429, whatever the exception said", async () => {
    expect(await answer('unauthenticated')).toMatchObject({ status: 401, body: '{"message":"Unauthenticated."}' });
    expect(await answer('forbidden')).toMatchObject({ status: 403, body: '{\n    "message": "This action is unauthorized."\n}' });
    expect(await answer('throttled')).toMatchObject({ status: 429, body: '{\n    "message": "Too Many Attempts."\n}' });
  });

  it('passes other 4xx messages through, non-ASCII escaped and slashes kept', async () => {
    expect(await answer('expired')).toMatchObject({ status: 419, body: '{\n    "message": "CSRF token mismatch."\n}' });
    expect(await answer('unicode')).toMatchObject({ status: 400, body: '{\n    "message": "Gr\\u00f6\\u00dfe/Farbe"\n}' });
  });

  it('hides everything else behind "Server Error", as with APP_DEBUG off', async () => {
    expect(await answer('crash')).toEqual({ status: 500, type: 'application/json', cache: 'no-cache, private', body: '{\n    "message": "Server Error"\n}' });
    expect(await answer('upstream')).toMatchObject({ status: 500, body: '{\n    "message": "Server Error"\n}' });
  });
});

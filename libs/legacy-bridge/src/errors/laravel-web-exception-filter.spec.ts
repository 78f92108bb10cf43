import { All, Controller, Module, UnauthorizedException, UseFilters } from '@nestjs/common';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { Test } from '@nestjs/testing';
import { DEFER_HEADER } from '@offramp/contracts/http';
import { LaravelAbortException, LaravelValidationException } from './laravel-exceptions.js';
import { LaravelWebExceptionFilter } from './laravel-web-exception-filter.js';

@Controller('web')
@UseFilters(LaravelWebExceptionFilter)
class WebController {
  @All('guest')
  guest() {
    throw new UnauthorizedException();
  }

  @All('invalid')
  invalid() {
    throw new LaravelValidationException(new Map([['from', ['The from does not match the format Y-m-d.']]]));
  }

  @All('forbidden')
  forbidden() {
    throw new LaravelAbortException(403, 'Admins only.');
  }

  @All('crash')
  crash() {
    throw new Error('SQLITE_BUSY');
  }
}

@Module({ controllers: [WebController] })
class WebModule {}

const BROWSER = { accept: 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8', host: 'shop.test' };

describe("LaravelWebExceptionFilter: a browser's refusals on a web route (in-process Fastify)", () => {
  let app: NestFastifyApplication;

  beforeAll(async () => {
    const moduleRef = await Test.createTestingModule({ imports: [WebModule] }).compile();
    app = moduleRef.createNestApplication<NestFastifyApplication>(new FastifyAdapter(), { logger: false });
    await app.init();
    await app.getHttpAdapter().getInstance().ready();
  });

  afterAll(() => app.close());

  const answer = async (method: 'GET' | 'HEAD' | 'POST', path: string, headers: Record<string, string> = BROWSER) => {
    const response = await app.inject({ method, url: `/web/${path}`, headers });
    return { status: response.statusCode, defer: response.headers[DEFER_HEADER], location: response.headers['location'] };
  };

  it("marks a browser's GET and HEAD refused with a 4xx deferrable (the monolith's answer writes its session), and answers them as Handler renders them", async () => {
    for (const method of ['GET', 'HEAD'] as const) {
      expect([method, await answer(method, 'guest')]).toEqual([method, { status: 302, defer: 'laravel-session', location: 'http://shop.test/login' }]);
      expect([method, await answer(method, 'invalid', { ...BROWSER, referer: 'http://shop.test/account/orders' })]).toEqual([
        method,
        { status: 302, defer: 'laravel-session', location: 'http://shop.test/account/orders' },
      ]);
      expect([method, await answer(method, 'forbidden')]).toEqual([method, { status: 403, defer: 'laravel-session', location: undefined }]);
    }
  });

  it('answers other methods, which the gateway never replays, the same way, unmarked', async () => {
    expect(await answer('POST', 'guest')).toEqual({ status: 302, defer: undefined, location: 'http://shop.test/login' });
    expect(await answer('POST', 'invalid', { ...BROWSER, referer: 'http://shop.test/account/orders' })).toEqual({
      status: 302,
      defer: undefined,
      location: 'http://shop.test/account/orders',
    });
    expect(await answer('POST', 'forbidden')).toMatchObject({ status: 403, defer: undefined });
  });

  it('never defers a JSON caller or a server error', async () => {
    expect(await answer('GET', 'guest', { accept: 'application/json' })).toMatchObject({ status: 401, defer: undefined });
    expect(await answer('GET', 'invalid', { accept: 'application/json' })).toMatchObject({ status: 422, defer: undefined });
    expect(await answer('GET', 'crash')).toMatchObject({ status: 500, defer: undefined });
  });
});

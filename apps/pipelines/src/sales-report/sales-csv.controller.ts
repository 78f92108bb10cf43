import { Controller, Get, Req, Res, UseFilters, UseGuards } from '@nestjs/common';
import { laravelRequestInput, MONOLITH_UNTRIMMED } from '@offramp/legacy-bridge';
import { LaravelAbortException, LaravelWebExceptionFilter } from '@offramp/legacy-bridge/nest';
import { CurrentIdentity, IdentityGuard, type VerifiedIdentity } from '@offramp/platform';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { SalesCsvReport } from './sales-csv-report.js';

/** GET /reports/sales.csv as the monolith answers it (auth, then admin, then validation; JSON or a browser's redirects and error page), for the caller the gateway vouches for. */
@Controller('reports')
@UseFilters(LaravelWebExceptionFilter)
@UseGuards(IdentityGuard)
export class SalesCsvController {
  constructor(private readonly report: SalesCsvReport) {}

  @Get('sales.csv')
  async salesCsv(
    @CurrentIdentity() identity: VerifiedIdentity,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<Buffer> {
    if (!(await this.report.isAdmin(identity.userId))) throw new LaravelAbortException(403, 'Admins only.');
    const query = request.url.includes('?') ? request.url.slice(request.url.indexOf('?') + 1) : '';
    const input = laravelRequestInput(
      { method: request.method, contentType: request.headers['content-type'], query, body: Buffer.isBuffer(request.body) ? request.body : undefined },
      { untrimmed: MONOLITH_UNTRIMMED },
    );
    const csv = await this.report.csv(input);
    // A Buffer: Fastify would otherwise add its own charset to the Content-Type the monolith spells.
    void reply
      .header('content-type', 'text/csv; charset=UTF-8')
      .header('content-disposition', 'attachment; filename="sales.csv"')
      .header('cache-control', 'no-cache, private');
    return Buffer.from(csv);
  }
}

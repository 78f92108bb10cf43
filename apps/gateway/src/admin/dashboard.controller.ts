import { Controller, Get, Inject, NotFoundException, Redirect, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { DashboardAssets } from './dashboard-assets.js';

/**
 * The migration dashboard's files on the admin listener (never the public one). The page itself
 * holds no data: everything it shows comes from the token-protected admin API, through the
 * generated client, with the token the person signs in with.
 */
@ApiExcludeController()
@Controller('_offramp/dashboard')
export class DashboardController {
  constructor(@Inject(DashboardAssets) private readonly assets: DashboardAssets) {}

  @Get()
  @Redirect('/_offramp/dashboard/', 308)
  root(): { url: string } {
    return { url: '/_offramp/dashboard/' }; // relative asset URLs need the trailing slash
  }

  // Fastify's own wildcard (the admin listener runs on Fastify): the rest of the path is params['*'].
  @Get('*')
  file(@Req() request: FastifyRequest, @Res() reply: FastifyReply): void {
    const path = (request.params as Record<string, string | undefined>)['*'] ?? '';
    if (!this.assets.built) throw new NotFoundException(`the dashboard is not built in ${this.assets.directory}: run npx nx run dashboard:build`);
    const name = path.replace(/^\/+/, '');
    const asset = this.assets.get(name);
    if (!asset) throw new NotFoundException(`no dashboard file ${name}`);
    void reply
      .header('content-type', asset.contentType)
      .header('cache-control', asset.immutable ? 'public, max-age=31536000, immutable' : 'no-cache')
      .header('x-content-type-options', 'nosniff')
      .header(
        'content-security-policy',
        "default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'",
      )
      .send(asset.body);
  }
}

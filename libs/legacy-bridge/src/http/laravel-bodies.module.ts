import { Injectable, Module, type OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance } from 'fastify';
import { readBodiesAsLaravel } from './laravel-bodies.js';

/** Installs `readBodiesAsLaravel` on the service's Fastify instance once Nest has built it. */
@Injectable()
class LaravelBodiesInstaller implements OnModuleInit {
  constructor(private readonly host: HttpAdapterHost) {}

  onModuleInit(): void {
    readBodiesAsLaravel(this.host.httpAdapter.getInstance<FastifyInstance>());
  }
}

/** Import it in a slice that takes over monolith routes with bodies (see laravel-bodies.ts). */
@Module({ providers: [LaravelBodiesInstaller] })
export class LaravelBodiesModule {}

import { type DynamicModule, Module } from '@nestjs/common';
import { ThrottlerModule } from '@nestjs/throttler';
import { OutboxRecord } from '@offramp/messaging';
import { DatabaseGate } from '@offramp/persistence';
import { LaravelBodiesModule } from '@offramp/legacy-bridge/nest';
import { IdentityModule, type IdentityConfig } from '@offramp/platform';
import pg from 'pg';
import { CatalogController } from './catalog/catalog.controller.js';
import { Category } from './catalog/category.entity.js';
import { Product } from './catalog/product.entity.js';
import { ProductSearch } from './catalog/product-search.js';
import { PostgresSearchIndex } from './catalog/postgres-search-index.js';
import { SqliteSearchIndex } from './catalog/sqlite-search-index.js';
import { IdentityThrottlerGuard } from './identity/identity-throttler.guard.js';
import { OrderItem } from './orders/order-item.entity.js';
import { Order } from './orders/order.entity.js';
import { OrdersController } from './orders/orders.controller.js';
import { PlaceOrder } from './orders/place-order.service.js';
import type { ApiConfig } from './api.config.js';

/** The slice's tables (the monolith's migrations own them; the api only maps them). */
export const API_ENTITIES = [Category, Product, Order, OrderItem, OutboxRecord];

export const API_CONTROLLERS = [CatalogController, OrdersController];

// PostgreSQL `timestamp without time zone` as its text, not a Date in the process's local zone.
pg.types.setTypeParser(pg.types.builtins.TIMESTAMP, (value: string) => value);

/** Catalog and orders, taken over from the monolith. */
@Module({})
export class ApiModule {
  static forRoot(config: IdentityConfig & ApiConfig): DynamicModule {
    return {
      module: ApiModule,
      imports: [
        // Bodies read as the monolith reads them, up to its post_max_size (its 413 above).
        LaravelBodiesModule,
        IdentityModule.forVerification(config),
        // Counted in each process: with API_WORKERS each takes its share, so that together they never allow more.
        ThrottlerModule.forRoot({ throttlers: [{ name: 'orders', ttl: config.API_RATE_WINDOW_MS, limit: ordersPerWorker(config) }] }),
      ],
      controllers: API_CONTROLLERS,
      providers: [DatabaseGate, SqliteSearchIndex, PostgresSearchIndex, ProductSearch, PlaceOrder, IdentityThrottlerGuard],
    };
  }
}

/**
 * API_RATE_LIMIT split over the workers (rounded down, at least one): a client's requests reach
 * whichever worker its connection lands on, so a worker cannot know the others' counts.
 */
export function ordersPerWorker(config: Pick<ApiConfig, 'API_RATE_LIMIT' | 'API_WORKERS'>): number {
  return Math.max(1, Math.floor(config.API_RATE_LIMIT / config.API_WORKERS));
}

import { type DynamicModule, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { createDataSourceOptions, type DataSourceSettings } from './data-source-options.js';

/**
 * The service's one database connection. Slices pass their own entities; the DataSource is
 * injectable as usual (`@InjectDataSource()`, `@InjectRepository()`).
 */
@Module({})
export class PersistenceModule {
  static forRoot(settings: DataSourceSettings): DynamicModule {
    return {
      module: PersistenceModule,
      imports: [
        TypeOrmModule.forRoot({
          ...createDataSourceOptions(settings),
          // Fail start-up fast on a wrong URL instead of retrying for minutes; readiness covers
          // a database that goes away later.
          retryAttempts: 3,
          retryDelay: 1_000,
        }),
      ],
      exports: [TypeOrmModule],
    };
  }
}

import { type DynamicModule, Module } from '@nestjs/common';
import { IdentityModule, type IdentityConfig } from '@offramp/platform';
import { SalesAggregateHandler } from './sales-aggregate.handler.js';
import { SalesCsvController } from './sales-csv.controller.js';
import { SalesCsvReport } from './sales-csv-report.js';

@Module({})
export class SalesReportModule {
  /** The aggregate's consumer always; GET /reports/sales.csv when SALES_REPORT_HTTP_ENABLED (it needs the gateway's identity key). */
  static forRoot(config: IdentityConfig & { SALES_REPORT_HTTP_ENABLED: boolean }): DynamicModule {
    if (!config.SALES_REPORT_HTTP_ENABLED) return { module: SalesReportModule, controllers: [SalesAggregateHandler] };
    return {
      module: SalesReportModule,
      imports: [IdentityModule.forVerification(config)],
      controllers: [SalesAggregateHandler, SalesCsvController],
      providers: [SalesCsvReport],
    };
  }
}

import { Module } from '@nestjs/common';
import { SalesAggregateHandler } from './sales-aggregate.handler.js';

@Module({ controllers: [SalesAggregateHandler] })
export class SalesReportModule {}

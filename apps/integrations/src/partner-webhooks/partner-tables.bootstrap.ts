import { Injectable, type OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { createInboxTableSql } from '@offramp/messaging';
import { partnerTablesSql } from './partner-tables.js';

/** The slice's own tables (partners, deliveries, attempts) and the consumer inbox, made at start if missing. */
@Injectable()
export class PartnerTablesBootstrap implements OnModuleInit {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async onModuleInit(): Promise<void> {
    await this.dataSource.query(createInboxTableSql(this.dataSource.options.type));
    for (const sql of partnerTablesSql()) await this.dataSource.query(sql);
  }
}

import { Module } from '@nestjs/common';
import { HourlyPopularitySchedule } from '../schedule/hourly-popularity.schedule.js';
import { RecalculateProductPopularityHandler } from './recalculate-product-popularity.handler.js';

@Module({ controllers: [RecalculateProductPopularityHandler], providers: [HourlyPopularitySchedule] })
export class RecalculateProductPopularityModule {}

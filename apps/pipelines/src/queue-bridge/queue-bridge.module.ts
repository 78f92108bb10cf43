import { Module } from '@nestjs/common';
import { QueueBridgeService } from './queue-bridge.service.js';

@Module({ providers: [QueueBridgeService] })
export class QueueBridgeModule {}

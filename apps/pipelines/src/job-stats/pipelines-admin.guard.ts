import { Inject, Injectable } from '@nestjs/common';
import { BearerTokenGuard, SERVICE_CONFIG } from '@offramp/platform';
import type { PipelinesConfig } from '../pipelines-config.type.js';

/** The jobs admin API answers only `Authorization: Bearer <PIPELINES_ADMIN_TOKEN>`. */
@Injectable()
export class PipelinesAdminGuard extends BearerTokenGuard {
  constructor(@Inject(SERVICE_CONFIG) config: PipelinesConfig) {
    super(config.PIPELINES_ADMIN_TOKEN, 'PIPELINES_ADMIN_TOKEN');
  }
}

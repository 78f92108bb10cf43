import { Inject, Injectable } from '@nestjs/common';
import { BearerTokenGuard, SERVICE_CONFIG } from '@offramp/platform';
import type { IntegrationsConfig } from '../integrations.config.js';

/** The partner admin API answers only `Authorization: Bearer <INTEGRATIONS_ADMIN_TOKEN>`. */
@Injectable()
export class IntegrationsAdminGuard extends BearerTokenGuard {
  constructor(@Inject(SERVICE_CONFIG) config: IntegrationsConfig) {
    super(config.INTEGRATIONS_ADMIN_TOKEN, 'INTEGRATIONS_ADMIN_TOKEN');
  }
}

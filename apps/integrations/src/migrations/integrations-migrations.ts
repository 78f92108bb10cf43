import { CONSUMER_MIGRATIONS } from '@offramp/messaging';
import { CreateIntegrationsPartnerReplays1764100000300 } from './create-partner-replays.migration.js';
import { CreateIntegrationsPartnerTables1764100000200 } from './create-partner-tables.migration.js';

/** The tables integrations owns, in order; recorded in offramp_migrations_integrations. */
export const INTEGRATIONS_MIGRATIONS = [...CONSUMER_MIGRATIONS, CreateIntegrationsPartnerTables1764100000200, CreateIntegrationsPartnerReplays1764100000300];

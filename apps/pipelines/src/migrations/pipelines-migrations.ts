import { CONSUMER_MIGRATIONS, RELAY_MIGRATIONS } from '@offramp/messaging';
import { CreateOfframpDailySales1764100000100 } from './create-daily-sales.migration.js';
import { CreateOfframpJobRetries1764100000200 } from './create-job-retries.migration.js';
import { CreateOfframpScheduleSlots1764100000000 } from './create-schedule-slots.migration.js';

/** The tables pipelines owns, in order; recorded in offramp_migrations_pipelines. */
export const PIPELINES_MIGRATIONS = [
  ...CONSUMER_MIGRATIONS,
  ...RELAY_MIGRATIONS,
  CreateOfframpScheduleSlots1764100000000,
  CreateOfframpDailySales1764100000100,
  CreateOfframpJobRetries1764100000200,
];

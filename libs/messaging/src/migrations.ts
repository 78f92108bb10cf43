import { CreateOfframpInbox1764000000000 } from './inbox/inbox.migration.js';
import { CreateOfframpRelayLeases1764000000100 } from './outbox/relay-lease.migration.js';

/** What a slice that consumes events lists among its migrations: the inbox of its idempotent consumers. */
export const CONSUMER_MIGRATIONS = [CreateOfframpInbox1764000000000];
/** What a slice that runs the outbox relay lists: the lease table (used on SQLite). */
export const RELAY_MIGRATIONS = [CreateOfframpRelayLeases1764000000100];

import { booleanField, integerField as int } from '@offramp/platform';
import { z } from 'zod';

const name = z
  .string()
  .regex(/^[A-Za-z0-9_.:-]+$/)
  .describe('a Messenger queue_name or transport name (letters, digits, _ . : -)');

/**
 * The Symfony Messenger bridge's variables (part of pipelinesConfig). The retry variables are the
 * Symfony app's own names for its retry_strategy (apps/legacy-symfony config/packages/messenger.yaml),
 * so both sides retry alike from one setting.
 */
export const messengerBridgeConfig = {
  MESSENGER_BRIDGE_ENABLED: booleanField(false).describe("true or false (1 or 0): drain the Symfony app's offramp transport and run its taken-over messages"),
  MESSENGER_BRIDGE_QUEUE: name.default('offramp').describe("queue_name of the app's offramp transport (doctrine://default?queue_name=offramp)"),
  MESSENGER_BRIDGE_TRANSPORT: name.default('offramp').describe("that transport's name in messenger.yaml (named by SentToFailureTransportStamp)"),
  MESSENGER_BRIDGE_PHP_QUEUE: name.default('default').describe("queue_name PHP's workers consume: a class not taken over is moved there"),
  MESSENGER_FAILED_QUEUE: name.default('failed').describe("queue_name of the app's failure transport"),
  MESSENGER_TABLE: z
    .string()
    .regex(/^[A-Za-z_][A-Za-z0-9_]*$/)
    .default('messenger_messages')
    .describe("the Doctrine transport's table_name (letters, digits, _)"),
  MESSENGER_REDELIVER_TIMEOUT_SECONDS: int(1, 86_400).default(3_600).describe("the transport's redeliver_timeout: an older claim is taken again (1-86400)"),
  MESSENGER_BRIDGE_BATCH_SIZE: int(1, 1_000).default(100).describe('rows claimed per batch (1-1000)'),
  MESSENGER_MAX_RETRIES: int(0, 1_000).default(3).describe('retry_strategy.max_retries (0-1000)'),
  MESSENGER_RETRY_DELAY_MS: int(0, 86_400_000).default(1_000).describe('retry_strategy.delay, ms (0-86400000)'),
  MESSENGER_RETRY_MULTIPLIER: int(1, 100).default(2).describe('retry_strategy.multiplier (1-100)'),
  MESSENGER_RETRY_MAX_DELAY_MS: int(0, 86_400_000).default(0).describe('retry_strategy.max_delay, ms (0: none)'),
};

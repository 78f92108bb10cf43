export { MessengerBridge, MESSENGER_DEAD_LETTER_CONSUMER, type MessengerBridgeSettings } from './messenger-bridge.js';
export { MessengerMessagesTable, doctrineDateTime, type MessengerRow } from './messenger-messages-table.js';
export { messengerMessageId, symfonyMessageMeta, type BridgedMessageClass, type SymfonyMessageMeta } from './bridged-message.js';
export {
  MessengerMessageRunner,
  UnrecoverableMessageError,
  type MessengerRetryStrategy,
  type MessengerMessageRunnerSettings,
  type MessageOutcome,
} from './messenger-runner.js';
export { SEND_WELCOME_EMAIL } from './shop-messages.js';

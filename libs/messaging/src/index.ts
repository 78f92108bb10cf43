export { parseNatsUrl, InvalidNatsUrlError, type NatsServerSettings } from './connection/nats-url.js';
export { NatsConnectionManager, type NatsConnectionSettings, type NatsConnectionState } from './connection/nats-connection.manager.js';
export { MessagingModule } from './messaging.module.js';

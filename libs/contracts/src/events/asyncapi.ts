import { EVENT_CATALOG, type EventSubject, eventJsonSchema } from './event-catalog.js';

/** Message headers every event carries (set by the publisher and the outbox relay). */
export const EVENT_HEADERS_SCHEMA = {
  type: 'object',
  properties: {
    'Nats-Msg-Id': { type: 'string', description: 'the event id; JetStream drops a second publish within the duplicate window' },
    'Offramp-Event-Id': { type: 'string', description: 'the event id (the outbox event_id for monolith events)' },
    'Offramp-Correlation-Id': { type: 'string', description: 'the request or process the event belongs to' },
    'Offramp-Causation-Id': { type: 'string', description: 'the event or request that caused this one' },
    'Offramp-Occurred-At': { type: 'string', format: 'date-time' },
    'Offramp-Aggregate': { type: 'string', description: '<aggregate_type>:<aggregate_id>; events of one aggregate arrive in order' },
    traceparent: { type: 'string', description: 'W3C trace context: the span that published the event (the outbox relay continues the trace of the change)' },
    tracestate: { type: 'string', description: 'W3C trace state, with traceparent when the trace has one' },
    'Offramp-Identity': { type: 'string', description: 'signed internal identity of the caller, when there is one' },
  },
  required: ['Nats-Msg-Id', 'Offramp-Event-Id'],
} as const;

const componentName = (subject: string) =>
  subject
    .split(/[._]/)
    .map((part) => part.charAt(0).toUpperCase() + part.slice(1))
    .join('');

/** The AsyncAPI 3.0 document of the event catalog; committed as asyncapi/events.asyncapi.json. */
export function buildAsyncApiDocument(): Record<string, unknown> {
  const subjects = Object.keys(EVENT_CATALOG).sort() as EventSubject[];
  const channels: Record<string, unknown> = {};
  const operations: Record<string, unknown> = {};
  const messages: Record<string, unknown> = {};
  const schemas: Record<string, unknown> = {};
  for (const subject of subjects) {
    const definition = EVENT_CATALOG[subject];
    const name = componentName(subject);
    const { $schema: _dialect, ...schema } = eventJsonSchema(subject);
    schemas[name] = schema;
    messages[name] = {
      name: subject,
      title: subject,
      summary: definition.summary,
      contentType: 'application/json',
      headers: { $ref: '#/components/schemas/EventHeaders' },
      payload: { $ref: `#/components/schemas/${name}` },
      'x-aggregate': definition.aggregate,
      'x-producer': definition.producer,
      ...('consumers' in definition && definition.consumers ? { 'x-consumers': definition.consumers } : {}),
    };
    channels[name] = {
      address: subject,
      description: definition.summary,
      messages: { [name]: { $ref: `#/components/messages/${name}` } },
    };
    operations[`publish${name}`] = {
      action: 'send',
      summary: `${definition.producer} publishes ${subject}`,
      channel: { $ref: `#/channels/${name}` },
    };
  }
  return {
    asyncapi: '3.0.0',
    info: {
      title: 'Offramp events',
      version: '1.0.0',
      description:
        'Events on NATS JetStream, generated from libs/contracts/src/events/event-catalog.ts. Delivery is at least once; every consumer is idempotent by the event id.',
    },
    defaultContentType: 'application/json',
    servers: { local: { host: '127.0.0.1:4222', protocol: 'nats', description: 'local nats-server with JetStream' } },
    channels,
    operations,
    components: { schemas: { EventHeaders: EVENT_HEADERS_SCHEMA, ...schemas }, messages },
  };
}

/** The committed file's exact text. */
export function renderAsyncApiDocument(): string {
  return `${JSON.stringify(buildAsyncApiDocument(), null, 2)}\n`;
}

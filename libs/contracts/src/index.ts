export {
  EVENT_CATALOG,
  EVENT_SUBJECT_PATTERN,
  eventDefinition,
  eventJsonSchema,
  isCatalogSubject,
  orderPaidV1,
  orderPlacedV1,
  productPriceChangedV1,
  productStockChangedV1,
  type EventDefinition,
  type EventPayload,
  type EventSubject,
} from './events/event-catalog.js';
export { validateEvent, type EventValidation } from './events/validate-event.js';
export { buildAsyncApiDocument, renderAsyncApiDocument, EVENT_HEADERS_SCHEMA } from './events/asyncapi.js';
export * from './openapi/index.js';

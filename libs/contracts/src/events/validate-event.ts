import { eventDefinition } from './event-catalog.js';

export type EventValidation = { ok: true; payload: unknown } | { ok: false; reason: string } | { ok: 'unknown-subject' };

/**
 * Checks a payload against the catalog. The reason names the field at fault and what it expects,
 * e.g. `items.0.quantity: Too small: expected number to be >0`.
 */
export function validateEvent(subject: string, payload: unknown): EventValidation {
  const definition = eventDefinition(subject);
  if (!definition) return { ok: 'unknown-subject' };
  const result = definition.schema.safeParse(payload);
  if (result.success) return { ok: true, payload: result.data };
  const reason = result.error.issues
    .slice(0, 5)
    .map((issue) => `${issue.path.length ? issue.path.join('.') : '(payload)'}: ${issue.message}`)
    .join('; ');
  return { ok: false, reason };
}

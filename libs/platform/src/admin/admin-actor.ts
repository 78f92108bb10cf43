import { InvalidInputException } from '../errors/validation.js';

/** Who made an admin change and why: what the audit records of every slice keep. */
export interface AdminActor {
  by: string;
  reason: string;
}

/** The gateway admin API's rule for route changes, for every audited admin action: the reason is required, `by` defaults as there. */
export const DEFAULT_ADMIN_ACTOR = 'admin-api';
export const REASON_REQUIRED = 'say why: the reason goes into the audit log';
const MAX_LENGTH = 1_000;

/**
 * Reads `by` and `reason` from an admin request body; a missing or blank reason (or a `by` that is
 * no string) is a 400 naming the field, before anything is changed. The other fields of the body
 * are the caller's to check.
 */
export function parseAdminActor(body: unknown): AdminActor {
  const fields = body && typeof body === 'object' && !Array.isArray(body) ? (body as Record<string, unknown>) : {};
  const invalid: Array<{ name: string; reason: string }> = [];
  const by = fields['by'] === undefined ? DEFAULT_ADMIN_ACTOR : fields['by'];
  if (typeof by !== 'string' || !by.trim() || by.length > MAX_LENGTH)
    invalid.push({ name: 'by', reason: `who acts: a non-empty string of at most ${MAX_LENGTH} characters` });
  const reason = fields['reason'];
  if (typeof reason !== 'string' || !reason.trim()) invalid.push({ name: 'reason', reason: REASON_REQUIRED });
  else if (reason.length > MAX_LENGTH) invalid.push({ name: 'reason', reason: `at most ${MAX_LENGTH} characters` });
  if (invalid.length) throw new InvalidInputException(invalid);
  return { by: (by as string).trim(), reason: (reason as string).trim() };
}

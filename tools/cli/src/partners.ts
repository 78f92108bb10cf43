import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  createIntegrationsClient,
  listDeliveries,
  listPartners,
  registerPartner,
  replayDelivery,
  replayPartnerFailures,
  updatePartner,
  type DeliveryDto,
  type PartnerDto,
} from '@offramp/contracts/integrations-sdk';
import { AdminApiError, problemText } from './admin-client.js';

export const PARTNERS_USAGE = `usage: offramp partners <command> [options]

  list                                  partners: URL, event types, enabled (or why not)
  add <name> <url> --events LIST [--secret whsec_…] [--ordered] [--disabled]
                                        register an endpoint (the secret is made and shown once when not given)
  enable <id> | disable <id>
  rotate <id> --secret whsec_…          sign with a new secret (the previous one keeps signing too)
  deliveries <id> [--status pending|delivered|dead]
                                        a partner's deliveries with every attempt (status, latency, answer)
  replay <delivery-id> --reason "why"   one delivery again
  replay-failures <id> --since ISO-TIME --reason "why"
                                        every dead delivery of a partner since then, again
  (a replay is recorded with --reason and --by, default user@host, in the slice's replays record)

env: OFFRAMP_INTEGRATIONS_URL (the integrations slice, default http://127.0.0.1:3002), OFFRAMP_INTEGRATIONS_TOKEN
     (its INTEGRATIONS_ADMIN_TOKEN; default: the local stack's, from $OFFRAMP_DATA_DIR/stack-secrets.json)
`;

export interface PartnerOptions {
  events?: string;
  secret?: string;
  ordered?: boolean;
  disabled?: boolean;
  status?: string;
  since?: string;
  reason?: string;
  by?: string;
  json?: boolean;
}

interface Outcome<T> {
  data?: T;
  error?: unknown;
  response?: Response;
}

export class PartnerUsageError extends Error {}

function localStackToken(env: NodeJS.ProcessEnv): string | undefined {
  try {
    const file = join(env['OFFRAMP_DATA_DIR'] || 'data', 'stack-secrets.json');
    return (JSON.parse(readFileSync(file, 'utf8')) as { INTEGRATIONS_ADMIN_TOKEN?: string }).INTEGRATIONS_ADMIN_TOKEN;
  } catch {
    return undefined;
  }
}

/** `offramp partners …` through the integrations SDK: the slice decides, the CLI prints its answer. */
export async function partnersCommand(
  command: string,
  args: string[],
  options: PartnerOptions,
  env: NodeJS.ProcessEnv,
  out: (text: string) => void,
): Promise<number> {
  const baseUrl = env['OFFRAMP_INTEGRATIONS_URL'] ?? 'http://127.0.0.1:3002';
  const token = env['OFFRAMP_INTEGRATIONS_TOKEN'] ?? (env['OFFRAMP_INTEGRATIONS_URL'] ? undefined : localStackToken(env));
  if (!token) throw new AdminApiError(0, 'no admin token: set OFFRAMP_INTEGRATIONS_TOKEN (the slice’s INTEGRATIONS_ADMIN_TOKEN)');
  const client = createIntegrationsClient({ baseUrl, headers: { authorization: `Bearer ${token}` } });
  const call = async <T>(outcome: Promise<Outcome<T>>): Promise<T> => {
    const { data, error, response } = await outcome;
    if (!response)
      throw new AdminApiError(0, `cannot reach the integrations slice at ${baseUrl} (${(error as Error)?.message ?? error}); set OFFRAMP_INTEGRATIONS_URL`);
    if (!response.ok || data === undefined) throw new AdminApiError(response.status, problemText(response.status, error));
    return data;
  };
  const actor = (command: string) => {
    if (!options.reason) throw new PartnerUsageError(`"partners ${command}" is recorded: say why with --reason "…"`);
    return { reason: options.reason, ...(options.by ? { by: options.by } : {}) };
  };
  const print = (value: unknown, text: () => string) => out(options.json ? `${JSON.stringify(value, null, 2)}\n` : text());
  const id = (what = 'partner id') => {
    if (!args[0]) throw new PartnerUsageError(`"partners ${command}" needs a ${what}`);
    return args[0];
  };
  switch (command) {
    case 'list': {
      const { partners } = await call(listPartners({ client }));
      print(partners, () => partners.map(partnerLine).join('') || 'no partners\n');
      return 0;
    }
    case 'add': {
      const [name, url] = args;
      if (!name || !url || !options.events)
        throw new PartnerUsageError('"partners add" needs a name, a URL and --events, e.g. acme https://acme.example/hooks --events "shop.orders.*"');
      const body = {
        name,
        url,
        eventTypes: options.events.split(',').map((type) => type.trim()),
        ...(options.secret ? { secret: options.secret } : {}),
        ordered: options.ordered ?? false,
        enabled: !options.disabled,
      };
      const partner = await call(registerPartner({ client, body }));
      print(partner, () => `${partnerLine(partner)}${partner.secret ? `secret (shown once): ${partner.secret}\n` : ''}`);
      return 0;
    }
    case 'enable':
    case 'disable': {
      const partner = await call(updatePartner({ client, path: { id: id() }, body: { enabled: command === 'enable' } }));
      print(partner, () => partnerLine(partner));
      return 0;
    }
    case 'rotate': {
      if (!options.secret) throw new PartnerUsageError('"partners rotate" needs --secret whsec_…');
      const partner = await call(updatePartner({ client, path: { id: id() }, body: { rotateSecret: options.secret } }));
      print(partner, () => partnerLine(partner));
      return 0;
    }
    case 'deliveries': {
      const status = options.status as 'pending' | 'delivered' | 'dead' | undefined;
      const { deliveries } = await call(listDeliveries({ client, path: { id: id() }, query: status ? { status } : undefined }));
      print(deliveries, () => deliveries.map(deliveryLines).join('') || 'no deliveries\n');
      return 0;
    }
    case 'replay': {
      const delivery = await call(replayDelivery({ client, path: { id: id('delivery id') }, body: actor('replay') }));
      print(delivery, () => `${delivery.id}: ${delivery.status} again\n`);
      return 0;
    }
    case 'replay-failures': {
      if (!options.since) throw new PartnerUsageError('"partners replay-failures" needs --since, e.g. 2026-01-31T00:00:00Z');
      const result = await call(replayPartnerFailures({ client, path: { id: id() }, body: { since: options.since, ...actor('replay-failures') } }));
      print(result, () => `${result.replayed} delivery(ies) queued again\n`);
      return 0;
    }
    default:
      throw new PartnerUsageError(`unknown command "partners ${command}"`);
  }
}

function partnerLine(partner: PartnerDto): string {
  const state = partner.enabled ? 'enabled' : `disabled${partner.disabledReason ? ` (${partner.disabledReason})` : ''}`;
  return `${partner.id}  ${partner.name}  ${partner.url}  ${partner.eventTypes.join(',')}  ${state}${partner.ordered ? '  ordered' : ''}\n`;
}

function deliveryLines(delivery: DeliveryDto): string {
  const head = `${delivery.id}  ${delivery.subject}  event ${delivery.eventId}  ${delivery.status}  ${delivery.attemptLog.length} attempt(s)${delivery.lastError ? `  last: ${delivery.lastError}` : ''}\n`;
  const attempts = delivery.attemptLog.map(
    (attempt) =>
      `    #${attempt.attempt} ${attempt.at}  ${attempt.statusCode ?? '-'}  ${attempt.latencyMs} ms${attempt.error ? `  ${attempt.error}` : ''}${attempt.responseExcerpt ? `  "${attempt.responseExcerpt.slice(0, 60)}"` : ''}\n`,
  );
  return head + attempts.join('');
}

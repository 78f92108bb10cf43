import { serviceNodeArgs } from '@offramp/processes';
/** What `npm start` runs, in start order; stopped in reverse. Ports as in ARCHITECTURE.md. */
export interface ServiceSpec {
  name: string;
  port: number;
  /** Command and arguments, relative to the repo root. */
  command: (node: string) => [string, string[]];
  /** Path answering 200 once the service can take traffic (on adminPort when there is one). */
  readyPath: string;
  /** Port of the service's admin listener (health, metrics, admin API) when it is not `port`. */
  adminPort?: number;
  /** First start of the monolith migrates and seeds: give it longer. */
  readyTimeoutMs: number;
  /** The one URL a person opens. */
  entryPoint?: boolean;
}

const nodeService = (name: string, port: number, entryPoint = false, adminPort?: number): ServiceSpec => ({
  name,
  port,
  adminPort,
  command: (node) => [node, [...serviceNodeArgs(name), `apps/${name}/dist/main.js`]],
  readyPath: '/health/ready',
  readyTimeoutMs: 60_000,
  entryPoint,
});

/** The sample monolith in the legacy slot: Laravel (apps/legacy) unless LEGACY_APP=symfony (apps/legacy-symfony). */
export const LEGACY_APPS = ['laravel', 'symfony'] as const;
const symfony = process.env.LEGACY_APP === 'symfony';

export const LEGACY: ServiceSpec = {
  name: 'legacy',
  port: 8000,
  command: () => ['bash', [symfony ? 'apps/legacy-symfony/bin/serve' : 'apps/legacy/bin/serve']],
  readyPath: symfony ? '/en/products.json?per_page=1' : '/api/products?per_page=1',
  readyTimeoutMs: 180_000,
};

/**
 * The shipping carrier is a third party: locally a fake one (libs/testing's fake carrier, a real
 * HTTP server) on the monolith's default CARRIER_BASE_URL port, so the quote route works out of the box.
 */
export const FAKE_CARRIER: ServiceSpec = {
  name: 'carrier',
  port: 9400,
  command: (node) => [node, ['libs/testing/dist/fake-carrier.main.js']],
  readyPath: '/health',
  readyTimeoutMs: 10_000,
};

/**
 * The mail provider is a third party too: locally a loopback SMTP server (libs/testing) on the
 * default MAIL_PORT 1025, where pipelines sends the order confirmations; GET / on 1080 lists them.
 */
export const LOCAL_MAIL: ServiceSpec = {
  name: 'mail',
  port: 1080,
  command: (node) => [node, ['libs/testing/dist/smtp-server.main.js']],
  readyPath: '/health',
  readyTimeoutMs: 10_000,
};

export const NODE_SERVICES: ServiceSpec[] = [
  nodeService('api', 3001),
  nodeService('integrations', 3002),
  nodeService('pipelines', 3003),
  // The gateway's public port proxies only; its admin API, /metrics and health are on 8081.
  nodeService('gateway', 8080, true, 8081),
];

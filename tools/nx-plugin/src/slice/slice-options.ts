import { SliceRefusedError } from './slice-refused.error.js';

/** What `nx g @offramp/tools:slice` is given (schema.json). */
export interface SliceSchema {
  name: string;
  port?: number;
  http?: boolean;
  consumer?: string[] | string;
  routes?: string[] | string;
}

export interface SliceRoute {
  /** As given, e.g. `GET /x/{id}`. */
  spec: string;
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** The gateway's pattern, `/x/{id}`. */
  path: string;
  params: string[];
  /** The use-case folder and file stem, `get-x-by-id`. */
  useCase: string;
}

export interface SliceConsumer {
  subject: string;
  /** The handler's folder and file stem, `on-shop-orders-paid-v1`. */
  handler: string;
  /** The durable consumer's name, `<slice>-shop-orders-paid-v1` (also its NATS grant). */
  durable: string;
}

export interface SliceOptions {
  name: string;
  /** undefined: the generator picks the next free slice port. */
  port?: number;
  http: boolean;
  routes: SliceRoute[];
  consumers: SliceConsumer[];
}

const NAME = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;
const ROUTE = /^(GET|POST|PUT|PATCH|DELETE)\s+(\/[A-Za-z0-9._~\-/{}]*)$/;
const SUBJECT = /^[a-z0-9_-]+(\.[a-z0-9_-]+)*\.v[0-9]+$/;

const list = (value: string[] | string | undefined): string[] => (value === undefined ? [] : Array.isArray(value) ? value : [value]);

export const pascalCase = (kebab: string) =>
  kebab
    .split(/[-.]/)
    .filter(Boolean)
    .map((part) => part[0].toUpperCase() + part.slice(1))
    .join('');
export const constantCase = (kebab: string) => kebab.replace(/[-.]/g, '_').toUpperCase();

export function parseRoute(spec: string): SliceRoute {
  const match = ROUTE.exec(spec.trim());
  if (!match) throw new SliceRefusedError('bad-route', `route "${spec}" is not "<METHOD> /path/{param}" (METHOD one of GET, POST, PUT, PATCH, DELETE)`);
  const method = match[1] as SliceRoute['method'];
  const path = match[2].replace(/\/+$/, '') || '/';
  const segments = path.split('/').filter(Boolean);
  const params = segments.filter((segment) => /^\{[A-Za-z_][A-Za-z0-9_]*\}$/.test(segment)).map((segment) => segment.slice(1, -1));
  const bad = segments.find((segment) => (segment.includes('{') || segment.includes('}')) && !/^\{[A-Za-z_][A-Za-z0-9_]*\}$/.test(segment));
  if (bad) throw new SliceRefusedError('bad-route', `route "${spec}": segment "${bad}" must be a whole {param} or contain no braces`);
  const words = segments.filter((segment) => !segment.startsWith('{')).map((segment) => segment.toLowerCase().replace(/[^a-z0-9]+/g, '-'));
  const useCase = [method.toLowerCase(), ...words, ...(params.length ? ['by', ...params.map((param) => param.toLowerCase().replace(/_/g, '-'))] : [])]
    .join('-')
    .replace(/-+/g, '-')
    .replace(/-$/, '');
  return { spec: `${method} ${path}`, method, path, params, useCase };
}

/** Checks what it can without the workspace; what is taken is checked against the tree. */
export function normalizeOptions(schema: SliceSchema): SliceOptions {
  const name = String(schema.name ?? '').trim();
  if (!NAME.test(name))
    throw new SliceRefusedError('bad-name', `slice name "${name}" must be kebab-case: lower-case letters and digits, words joined by "-" (e.g. billing)`);
  if (schema.port !== undefined && (!Number.isInteger(Number(schema.port)) || Number(schema.port) < 1024 || Number(schema.port) > 65_535)) {
    throw new SliceRefusedError('bad-port', `--port ${schema.port} must be a whole number from 1024 to 65535`);
  }
  const routes = list(schema.routes).map(parseRoute);
  const seen = new Set<string>();
  for (const route of routes) {
    if (seen.has(route.useCase))
      throw new SliceRefusedError('bad-route', `routes "${route.spec}" and another both make the use case ${route.useCase}: give each route once`);
    seen.add(route.useCase);
  }
  const subjects = [...new Set(list(schema.consumer))];
  for (const subject of subjects) {
    if (!SUBJECT.test(subject))
      throw new SliceRefusedError('bad-subject', `--consumer "${subject}" is not a catalog subject (<domain>.<aggregate>.<event>.v<N>)`);
  }
  const http = Boolean(schema.http) || routes.length > 0;
  if (!http && subjects.length === 0) {
    throw new SliceRefusedError(
      'nothing-to-do',
      'a slice serves routes or consumes events: give --http (or --routes "GET /x/{id}") and/or --consumer <subject>',
    );
  }
  const consumers = subjects.map((subject) => {
    const slug = subject.replace(/[._]/g, '-');
    return { subject, handler: `on-${slug}`, durable: `${name}-${slug}` };
  });
  return {
    name,
    port: schema.port === undefined ? undefined : Number(schema.port),
    http,
    routes: http && routes.length === 0 ? [parseRoute(`GET /${name}/{id}`)] : routes,
    consumers,
  };
}

import type { ListedRouteDto } from '@offramp/contracts/admin-api';

export interface RouteFilter {
  /** Free text, matched against the route id, its name and its service (case-insensitive). */
  text: string;
  /** '' for any. */
  state: string;
  service: string;
  method: string;
}

export const NO_FILTER: RouteFilter = { text: '', state: '', service: '', method: '' };

/** The routes a person asked to see: every given criterion must hold. */
export function filterRoutes(routes: readonly ListedRouteDto[], filter: RouteFilter): ListedRouteDto[] {
  const text = filter.text.trim().toLowerCase();
  return routes.filter(
    (route) =>
      (!filter.state || route.state === filter.state) &&
      (!filter.service || (route.service ?? '') === filter.service) &&
      (!filter.method || route.method === '*' || route.method.split('|').includes(filter.method)) &&
      (!text || [route.id, route.name ?? '', route.service ?? ''].some((field) => field.toLowerCase().includes(text))),
  );
}

/** The choices the filters offer, from the table itself. */
export function filterChoices(routes: readonly ListedRouteDto[]): { services: string[]; methods: string[] } {
  const services = new Set<string>();
  const methods = new Set<string>();
  for (const route of routes) {
    if (route.service) services.add(route.service);
    for (const method of route.method.split('|')) if (method !== '*') methods.add(method);
  }
  return { services: [...services].sort(), methods: [...methods].sort() };
}

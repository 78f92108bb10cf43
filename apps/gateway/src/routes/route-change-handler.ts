import { Logger } from '@nestjs/common';
import type { RouteTransition } from './route-store.js';
import type { RouteTable } from './route-table.js';

export interface RouteChangeTargets {
  engine: { setRoutes(table: RouteTable): void };
  /** The local shadow counts (ShadowStats). */
  stats: { reset(routeId: string): void };
  /** The noise learned per route (ShadowRunner). */
  shadow: { forget(routeId: string): void };
}

/**
 * What each replica does with a change to the route table it watches (RouteStore's onChange): the
 * proxy serves the new table, and a route that enters shadow starts with nothing counted or learned
 * on this replica, so evidence of an earlier shadow period never counts for the new one.
 */
export function routeChangeHandler({ engine, stats, shadow }: RouteChangeTargets, logger = new Logger('Gateway')) {
  return (table: RouteTable, transitions: RouteTransition[]): void => {
    engine.setRoutes(table);
    for (const { id, before, after } of transitions) {
      if (after?.state === 'shadow' && before?.state !== 'shadow') {
        stats.reset(id);
        shadow.forget(id);
      }
    }
    const [single] = transitions;
    if (transitions.length === 1 && single) logger.debug(`route ${single.id}: ${single.before?.state ?? 'new'} → ${single.after?.state ?? 'deleted'}`);
  };
}

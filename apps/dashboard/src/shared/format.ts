import type { BackendTrafficDto } from '@offramp/contracts/admin-api';

export { percent } from '../route-page/gate-verdict';

export const perSecond = (value: number) => (value >= 10 ? value.toFixed(0) : value >= 0.1 ? value.toFixed(1) : value > 0 ? value.toFixed(2) : '0');
export const milliseconds = (value: number | null) => (value === null ? '—' : value >= 100 ? `${value.toFixed(0)} ms` : `${value.toFixed(1)} ms`);
export const routeHref = (id: string) => `#/route/${encodeURIComponent(id)}`;

/** One backend's figures in a cell: "legacy 1.2/s · 0% err · p99 4.1 ms". */
export function backendLine(backend: BackendTrafficDto): string {
  const errors = backend.errorRate === null ? '—' : `${(backend.errorRate * 100).toFixed(backend.errorRate > 0 && backend.errorRate < 0.1 ? 1 : 0)}%`;
  return `${backend.backend} ${perSecond(backend.perSecond)}/s · ${errors} err · p99 ${milliseconds(backend.p99Ms)}`;
}

import type { TrafficSeriesDto } from '@offramp/contracts/admin-api';
import { useMemo } from 'react';
import { type ChartSeries, seriesColor, TimeChart } from '../shared/time-chart';

/** Latency, status classes per backend and the shadow match rate, minute by minute. */
export function RouteCharts({ series }: { series: TrafficSeriesDto }) {
  const charts = useMemo(() => {
    const times = series.minutes.map((minute) => Date.parse(minute.at));
    const backends = [...new Set(series.minutes.flatMap((minute) => minute.backends.map((backend) => backend.backend)))].sort();
    const at = (name: string) => series.minutes.map((minute) => minute.backends.find((backend) => backend.backend === name));
    const latency: ChartSeries[] = backends.flatMap((name, index) => [
      { label: `${name} p99`, values: at(name).map((backend) => backend?.p99Ms ?? null), color: seriesColor(index) },
      { label: `${name} p50`, values: at(name).map((backend) => backend?.p50Ms ?? null), color: `${seriesColor(index)}88` },
    ]);
    const classes: ChartSeries[] = backends.flatMap((name, index) =>
      (['2xx', '4xx', '5xx'] as const).map((statusClass, offset) => ({
        label: `${name} ${statusClass}`,
        values: at(name).map((backend) => (backend ? backend.statusClasses[statusClass] : null)),
        color: seriesColor(index * 3 + offset),
      })),
    );
    const match: ChartSeries[] = [
      {
        label: 'match rate',
        values: series.minutes.map((minute) => (minute.shadow.samples ? (minute.shadow.matches / minute.shadow.samples) * 100 : null)),
        color: seriesColor(2),
      },
    ];
    const span: [number, number] = [Date.parse(series.from), Date.parse(series.to)];
    return { times, latency, classes, match, backends, span };
  }, [series]);
  const total = series.total;
  const describe =
    total.backends.map((backend) => `${backend.backend}: ${backend.requests} requests, p99 ${backend.p99Ms?.toFixed(1) ?? '—'} ms`).join('; ') || 'no traffic';
  return (
    <div className="charts">
      <TimeChart title="Latency per backend (ms)" unit="ms" span={charts.span} times={charts.times} series={charts.latency} summary={describe} />
      <TimeChart title="Answers per minute by status class" unit="answers" span={charts.span} times={charts.times} series={charts.classes} summary={describe} />
      <TimeChart
        title="Shadow match rate per minute (%)"
        unit="%"
        span={charts.span}
        times={charts.times}
        series={charts.match}
        summary={total.shadow.samples ? `${total.shadow.matches} of ${total.shadow.samples} comparisons matched` : 'no comparisons'}
      />
    </div>
  );
}

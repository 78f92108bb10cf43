import { useEffect, useRef } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';

export interface ChartSeries {
  label: string;
  values: (number | null)[];
  color: string;
}

const PALETTE = ['#1f6feb', '#d1242f', '#1a7f37', '#9a6700', '#8250df', '#bf3989', '#0a7d8c'];
export const seriesColor = (index: number) => PALETTE[index % PALETTE.length] ?? '#555';

/**
 * A line chart over time (uPlot: small, canvas, fast with a day of minutes). `times` are ms since
 * the epoch; the figure's title and a text summary give screen readers what the canvas shows.
 */
export function TimeChart({
  title,
  times,
  series,
  unit,
  summary,
  span,
}: {
  title: string;
  times: number[];
  series: ChartSeries[];
  unit: string;
  summary: string;
  /** The span shown (ms since the epoch), so a few minutes of traffic sit where they happened in it. */
  span: [number, number];
}) {
  const holder = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const element = holder.current;
    if (!element || times.length === 0) return;
    const chart = new uPlot(
      {
        width: Math.max(element.clientWidth, 320),
        height: 180,
        legend: { show: true },
        scales: { x: { time: true, range: [span[0] / 1_000, span[1] / 1_000] } },
        axes: [{}, { label: unit, size: 60 }],
        series: [{}, ...series.map((line) => ({ label: line.label, stroke: line.color, width: 2, spanGaps: false }))],
      },
      [times.map((time) => time / 1_000), ...series.map((line) => line.values)],
      element,
    );
    return () => chart.destroy();
  }, [times, series, unit, span]);
  return (
    <figure className="chart" aria-label={title}>
      <figcaption>{title}</figcaption>
      {times.length === 0 ? <p className="muted">No traffic in this span yet.</p> : <div ref={holder} role="img" aria-label={`${title}: ${summary}`} />}
    </figure>
  );
}

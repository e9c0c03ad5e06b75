import { formatMs } from "../format/numbers";

export type LatencyPoint = { label: string; baselineMs: number | null; optimizedMs: number | null };

const BAR_HEIGHT = 12;
const GROUP_GAP = 14;
const LABEL_WIDTH = 150;
const VALUE_WIDTH = 70;
const CHART_WIDTH = 560;

function positive(value: number | null): value is number {
  return value !== null && Number.isFinite(value) && value > 0;
}

/**
 * Latency per benchmarked shape, baseline vs optimized, as grouped horizontal bars on one
 * linear scale. The table beside it carries the exact numbers; the chart is for the eye.
 */
export function LatencyChart({ points }: { points: LatencyPoint[] }) {
  const measured = points.filter((point) => positive(point.baselineMs) || positive(point.optimizedMs));
  if (measured.length === 0) return null;
  const max = Math.max(...measured.flatMap((point) => [point.baselineMs ?? 0, point.optimizedMs ?? 0]));
  const barSpace = CHART_WIDTH - LABEL_WIDTH - VALUE_WIDTH;
  const groupHeight = BAR_HEIGHT * 2 + GROUP_GAP;
  const height = measured.length * groupHeight + 8;
  const width = (value: number | null) => (positive(value) ? Math.max(1, (value / max) * barSpace) : 0);
  const summary = measured
    .map((point) => `${point.label}: ${formatMs(point.baselineMs)} before, ${formatMs(point.optimizedMs)} after`)
    .join("; ");
  return (
    <figure className="latency-chart" data-testid="latency-chart">
      <div className="legend" aria-hidden="true">
        <span>
          <span className="swatch" style={{ background: "#9aa5b5" }} />
          Baseline
        </span>
        <span>
          <span className="swatch" style={{ background: "var(--accent)" }} />
          Optimized
        </span>
      </div>
      <svg
        className="chart"
        viewBox={`0 0 ${CHART_WIDTH} ${height}`}
        width={CHART_WIDTH}
        role="img"
        aria-label={`Latency per shape: ${summary}`}
      >
        {measured.map((point, index) => {
          const top = 4 + index * groupHeight;
          return (
            <g key={`${point.label}-${index}`} data-testid="latency-bar-group">
              <text x={6} y={top + BAR_HEIGHT + 4}>
                {point.label.length > 22 ? `${point.label.slice(0, 21)}…` : point.label}
              </text>
              <rect className="bar-baseline" x={LABEL_WIDTH} y={top} width={width(point.baselineMs)} height={BAR_HEIGHT} />
              <text x={LABEL_WIDTH + width(point.baselineMs) + 4} y={top + BAR_HEIGHT - 2}>
                {formatMs(point.baselineMs)}
              </text>
              <rect
                className="bar-optimized"
                x={LABEL_WIDTH}
                y={top + BAR_HEIGHT}
                width={width(point.optimizedMs)}
                height={BAR_HEIGHT}
              />
              <text x={LABEL_WIDTH + width(point.optimizedMs) + 4} y={top + BAR_HEIGHT * 2 - 2}>
                {formatMs(point.optimizedMs)}
              </text>
            </g>
          );
        })}
      </svg>
      <figcaption className="hint">p50 latency per benchmarked shape (shorter is faster).</figcaption>
    </figure>
  );
}

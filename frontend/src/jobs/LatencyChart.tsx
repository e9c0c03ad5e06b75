import type { ReactNode } from "react";
import { Bar, BarChart, LabelList, XAxis, YAxis } from "recharts";
import { CategoryTick, CHART_COLORS, ChartBox, TICK_STYLE } from "../components/ChartBox";
import { formatMs } from "../format/numbers";

export type LatencyPoint = { label: string; baselineMs: number | null; optimizedMs: number | null };

const BAR_HEIGHT = 12;
const GROUP_GAP = 14;
const LABEL_WIDTH = 150;
const VALUE_WIDTH = 70;
const CHART_WIDTH = 560;
const MARGIN = { top: 4, right: VALUE_WIDTH, bottom: 4, left: 0 };

function positive(value: number | null): value is number {
  return value !== null && Number.isFinite(value) && value > 0;
}

/** The latency charts' legend: the baseline's swatch and the optimized graph's, then any notes. */
export function BeforeAfterLegend({ after, children }: { after: string; children?: ReactNode }) {
  return (
    <div className="legend" aria-hidden="true">
      <span>
        <span className="swatch" style={{ background: CHART_COLORS.baseline }} />
        Baseline
      </span>
      <span>
        <span className="swatch" style={{ background: "var(--accent)" }} />
        {after}
      </span>
      {children}
    </div>
  );
}

/**
 * Latency per benchmarked shape, baseline vs optimized, as grouped horizontal bars on one
 * linear scale from zero. The table beside it carries the exact numbers; the chart is for the eye.
 */
export function LatencyChart({ points }: { points: LatencyPoint[] }) {
  const measured = points.filter((point) => positive(point.baselineMs) || positive(point.optimizedMs));
  if (measured.length === 0) return null;
  const height = measured.length * (BAR_HEIGHT * 2 + GROUP_GAP) + MARGIN.top + MARGIN.bottom;
  const summary = measured
    .map((point) => `${point.label}: ${formatMs(point.baselineMs)} before, ${formatMs(point.optimizedMs)} after`)
    .join("; ");
  // Recharts keys categories by value: the index keeps two shapes with the same label apart.
  const data = measured.map((point, index) => ({ ...point, key: `${index}` }));
  return (
    <figure className="latency-chart" data-testid="latency-chart">
      <BeforeAfterLegend after="Optimized" />
      <ChartBox width={CHART_WIDTH} height={height} label={`Latency per shape: ${summary}`}>
        <BarChart data={data} layout="vertical" margin={MARGIN} barGap={0} barSize={BAR_HEIGHT} accessibilityLayer={false}>
          <XAxis type="number" hide domain={[0, "dataMax"]} />
          <YAxis
            type="category"
            dataKey="key"
            width={LABEL_WIDTH}
            interval={0}
            axisLine={false}
            tickLine={false}
            tick={(props) => (
              <CategoryTick {...props} payload={{ value: data[props.index]?.label }} testId="latency-bar-group" />
            )}
          />
          {(
            [
              ["baselineMs", "bar-baseline", CHART_COLORS.baseline],
              ["optimizedMs", "bar-optimized", CHART_COLORS.accent],
            ] as const
          ).map(([key, className, fill]) => (
            <Bar key={key} dataKey={key} className={className} fill={fill} isAnimationActive={false}>
              <LabelList dataKey={key} position="right" formatter={(value) => formatMs(value)} style={TICK_STYLE} />
            </Bar>
          ))}
        </BarChart>
      </ChartBox>
      <figcaption className="hint">p50 latency per benchmarked shape (shorter is faster).</figcaption>
    </figure>
  );
}

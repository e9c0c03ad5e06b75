import { ReferenceLine, Scatter, ScatterChart, XAxis, YAxis, useChartWidth } from "recharts";
import { CHART_COLORS, ChartBox, TICK_STYLE } from "../components/ChartBox";
import { formatRatio, formatSpeedup } from "../format/numbers";
import { candidatePoints, type CandidatePoint, type OptimizationReport } from "./report";

const WIDTH = 560;
const HEIGHT = 300;
const MARGIN = { top: 14, right: 16, bottom: 4, left: 0 };

// Shape and colour both say the status, so the plot reads in greyscale too.
const MARKS: Record<string, { className: string; label: string }> = {
  chosen: { className: "mark-chosen", label: "chosen" },
  routed: { className: "mark-routed", label: "routed (serves some shapes)" },
  lost: { className: "mark-lost", label: "lost (slower)" },
  rejected: { className: "mark-rejected", label: "rejected (misses the budget)" },
};

function Marker({ status, x, y }: { status: string; x: number; y: number }) {
  const mark = MARKS[status]?.className ?? "mark-lost";
  if (status === "rejected") {
    return (
      <path className={mark} d={`M${x - 5},${y - 5}L${x + 5},${y + 5}M${x - 5},${y + 5}L${x + 5},${y - 5}`} />
    );
  }
  if (status === "routed") {
    return <path className={mark} d={`M${x},${y - 7}L${x + 7},${y}L${x},${y + 7}L${x - 7},${y}Z`} />;
  }
  return <circle className={mark} cx={x} cy={y} r={status === "chosen" ? 7 : 5} />;
}

/** A candidate on the plot: its status's mark, its figures as the tooltip, and its name when it ships. */
function CandidateMark({ cx, cy, payload }: { cx?: unknown; cy?: unknown; payload?: unknown }) {
  const chartWidth = useChartWidth() ?? WIDTH;
  const point = payload as CandidatePoint | undefined;
  if (!point || typeof cx !== "number" || typeof cy !== "number") return null;
  const labelled = point.status === "chosen" || point.status === "routed";
  const leftward = cx > chartWidth - 150;
  return (
    <g data-testid="plot-point" data-status={point.status}>
      <title>{`${point.name} (${point.status}): ${formatSpeedup(point.speedup)}, cosine ${formatRatio(point.accuracy, 6)}`}</title>
      <Marker status={point.status} x={cx} y={cy} />
      {labelled && (
        <text x={leftward ? cx - 10 : cx + 10} y={cy - 8} textAnchor={leftward ? "end" : "start"} {...TICK_STYLE}>
          {point.name.length > 28 ? `${point.name.slice(0, 27)}…` : point.name}
        </text>
      )}
    </g>
  );
}

function ticks(low: number, high: number, count: number): number[] {
  return Array.from({ length: count }, (_, index) => low + ((high - low) * index) / (count - 1));
}

/**
 * Every measured candidate's speed-up (geometric mean over its shapes) against its accuracy
 * (cosine to the original), with the accuracy budget as a vertical line and "as fast as the
 * baseline" as a horizontal one: the winner is the highest point right of the budget line.
 */
export function CandidatePlot({ report }: { report: OptimizationReport }) {
  const { points, unplotted } = candidatePoints(report);
  if (points.length === 0) return <p className="muted">No candidate has both a speed-up and an accuracy to plot.</p>;
  const budget = typeof report.accuracy?.budget === "number" ? report.accuracy.budget : null;
  const xs = points.map((point) => point.accuracy).concat(budget !== null ? [budget] : []);
  const xHigh = 1;
  let xLow = Math.min(...xs);
  xLow = xLow >= xHigh ? xHigh - 1e-4 : xLow - (xHigh - xLow) * 0.08;
  const ys = points.map((point) => point.speedup).concat([1]);
  const yLow = Math.max(0, Math.min(...ys) * 0.9);
  const yHigh = Math.max(...ys) * 1.08;
  // Digits enough to tell the ticks apart on a cosine axis that may span 1e-4.
  const digits = Math.min(6, Math.max(2, Math.ceil(-Math.log10((xHigh - xLow) / 4)) + 1));
  const summary = points
    .map((point) => `${point.name} (${point.status}): ${formatSpeedup(point.speedup)} at cosine ${formatRatio(point.accuracy, 6)}`)
    .join("; ");
  const statuses = [...new Set(points.map((point) => point.status))];
  return (
    <figure className="candidate-plot" data-testid="candidate-plot">
      <div className="legend" aria-hidden="true">
        {statuses.map((status) => (
          <span key={status}>
            <svg width="14" height="14" viewBox="0 0 14 14" className="legend-mark">
              <Marker status={status} x={7} y={7} />
            </svg>
            {MARKS[status]?.label ?? status}
          </span>
        ))}
        {budget !== null && (
          <span>
            <span className="swatch budget-swatch" />
            accuracy budget
          </span>
        )}
      </div>
      <ChartBox
        width={WIDTH}
        height={HEIGHT}
        label={`Speed-up against accuracy per candidate${
          budget !== null ? `, accuracy budget ${formatRatio(budget)}` : ""
        }: ${summary}`}
      >
        <ScatterChart margin={MARGIN} accessibilityLayer={false}>
          <XAxis
            type="number"
            dataKey="accuracy"
            domain={[xLow, xHigh]}
            ticks={ticks(xLow, xHigh, 5)}
            tickFormatter={(value: number) => value.toFixed(digits)}
            tick={TICK_STYLE}
            stroke={CHART_COLORS.muted}
            height={40}
            label={{ value: "accuracy (cosine to the original) →", position: "insideBottom", fill: CHART_COLORS.muted, fontSize: 11 }}
          />
          <YAxis
            type="number"
            dataKey="speedup"
            domain={[yLow, yHigh]}
            ticks={ticks(yLow, yHigh, 5)}
            tickFormatter={(value: number) => `${value.toFixed(2)}×`}
            tick={TICK_STYLE}
            stroke={CHART_COLORS.muted}
            width={56}
            label={{ value: "speed-up →", angle: -90, position: "insideLeft", textAnchor: "middle", fill: CHART_COLORS.muted, fontSize: 11 }}
          />
          <ReferenceLine
            y={1}
            shape={(props) => (
              <line {...lineEnds(props)} stroke={CHART_COLORS.muted} strokeDasharray="4 3" data-testid="plot-baseline" />
            )}
          />
          {budget !== null && (
            <ReferenceLine
              x={budget}
              shape={(props) => (
                <line {...lineEnds(props)} stroke={CHART_COLORS.bad} strokeWidth={1.5} data-testid="plot-budget" />
              )}
            />
          )}
          <Scatter data={points} isAnimationActive={false} shape={(props: { cx?: unknown; cy?: unknown; payload?: unknown }) => <CandidateMark {...props} />} />
        </ScatterChart>
      </ChartBox>
      <figcaption className="hint">
        Each candidate's speed-up (geometric mean over its shapes) against its cosine to the original; the dashed line at
        1.00× is the baseline{budget !== null ? ", the red line the accuracy budget" : ""}.
        {unplotted.length > 0 && (
          <span data-testid="plot-unplotted"> Not plotted (no accuracy or speed-up measured): {unplotted.join(", ")}.</span>
        )}
      </figcaption>
    </figure>
  );
}

/** A reference line's end points, from the props Recharts hands its `shape`. */
function lineEnds(props: { x1?: unknown; y1?: unknown; x2?: unknown; y2?: unknown }) {
  return { x1: Number(props.x1), y1: Number(props.y1), x2: Number(props.x2), y2: Number(props.y2) };
}

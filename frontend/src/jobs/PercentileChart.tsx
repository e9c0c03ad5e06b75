import { Bar, BarChart, ErrorBar, LabelList, XAxis, YAxis, useXAxisScale } from "recharts";
import { CategoryTick, CHART_COLORS, ChartBox, TICK_STYLE } from "../components/ChartBox";
import { formatMs } from "../format/numbers";
import { BeforeAfterLegend } from "./LatencyChart";
import type { Percentiles, ShapeLatency } from "./report";

const ROW = 14;
const GROUP_GAP = 16;
const LABEL_WIDTH = 130;
const VALUE_WIDTH = 150;
const CHART_WIDTH = 620;
const MARGIN = { top: 4, right: VALUE_WIDTH, bottom: 4, left: 0 };

function describe(p: Percentiles | null): string {
  if (!p) return "not measured";
  return `p50 ${formatMs(p.p50)}, p90 ${formatMs(p.p90)}, p99 ${formatMs(p.p99)}`;
}

/** One side's marks: the bar's length (the p50), the p90 tick's and the p99 whisker's offsets from it, the printed figures. */
type Side = { bar: number; toP90: [number, number] | undefined; toP99: [number, number] | undefined; tail: number; text: string };

function side(p: Percentiles | null): Side | null {
  if (!p) return null;
  const bar = p.p50 ?? p.p90 ?? p.p99 ?? 0;
  const tail = Math.max(bar, p.p99 ?? p.p90 ?? bar);
  return {
    bar,
    // ErrorBar draws [bar - low, bar + high] with a cap at each end: low 0 starts it at the bar's end.
    toP90: p.p90 !== null && p.p90 >= bar ? [0, p.p90 - bar] : undefined,
    toP99: p.p99 !== null && p.p99 > bar ? [0, p.p99 - bar] : undefined,
    tail,
    text: `${[p.p50, p.p90, p.p99].map((value) => formatMs(value).replace(" ms", "")).join(" / ")} ms`,
  };
}

type Row = { key: string; label: string; baseline: Side | null; shipped: Side | null };

/** The figures beside a bar, just past the end of its whisker. */
function Figures({ x, y, height, side }: { x: unknown; y: unknown; height: unknown; side: Side | null | undefined }) {
  const scale = useXAxisScale();
  if (!side || !scale || typeof y !== "number" || typeof height !== "number") return null;
  const end = scale(side.tail);
  const left = typeof end === "number" ? end : typeof x === "number" ? x : 0;
  return (
    <text className="percentile-values" x={left + 6} y={y + height / 2} dy="0.35em" {...TICK_STYLE}>
      {side.text}
    </text>
  );
}

/**
 * Per shape, the baseline's and the shipped graph's latency: a bar to the p50 and a whisker on to
 * the p99 with a tick at the p90, so a tail that got worse shows even when the median improved.
 */
export function PercentileChart({ rows }: { rows: ShapeLatency[] }) {
  if (rows.length === 0) return null;
  const max = Math.max(
    ...rows.flatMap((row) => [row.baseline, row.shipped].flatMap((p) => (p ? [p.p50 ?? 0, p.p90 ?? 0, p.p99 ?? 0] : []))),
  );
  if (!(max > 0)) return null;
  const height = rows.length * (ROW * 2 + GROUP_GAP) + MARGIN.top + MARGIN.bottom;
  const summary = rows
    .map((row) => `${row.label}: baseline ${describe(row.baseline)}; shipped ${describe(row.shipped)}`)
    .join(". ");
  const data: Row[] = rows.map((row, index) => ({
    key: `${index}`,
    label: row.label,
    baseline: side(row.baseline),
    shipped: side(row.shipped),
  }));
  return (
    <figure className="latency-chart" data-testid="percentile-chart">
      <BeforeAfterLegend after="Shipped">
        <span>bar: p50 · tick: p90 · whisker end: p99 (numbers: p50 / p90 / p99)</span>
      </BeforeAfterLegend>
      <ChartBox width={CHART_WIDTH} height={height} label={`Latency percentiles per shape. ${summary}`}>
        <BarChart data={data} layout="vertical" margin={MARGIN} barGap={0} barSize={ROW - 4} accessibilityLayer={false}>
          <XAxis type="number" hide domain={[0, max]} />
          <YAxis
            type="category"
            dataKey="key"
            width={LABEL_WIDTH}
            interval={0}
            axisLine={false}
            tickLine={false}
            tick={(props) => (
              <CategoryTick {...props} payload={{ value: data[props.index]?.label }} length={18} testId="percentile-group" />
            )}
          />
          {(
            [
              ["baseline", "bar-baseline", CHART_COLORS.baseline],
              ["shipped", "bar-optimized", CHART_COLORS.accent],
            ] as const
          ).map(([which, className, fill]) => (
            <Bar
              key={which}
              dataKey={(row: Row) => row[which]?.bar}
              name={which}
              className={className}
              fill={fill}
              isAnimationActive={false}
            >
              <ErrorBar
                className="p99-whisker"
                dataKey={(row: Row) => row[which]?.toP99}
                direction="x"
                width={ROW / 2 - 1}
                stroke={CHART_COLORS.text}
                strokeWidth={1.2}
                isAnimationActive={false}
              />
              <ErrorBar
                className="p90-tick"
                dataKey={(row: Row) => row[which]?.toP90}
                direction="x"
                width={ROW / 2 - 3}
                stroke={CHART_COLORS.text}
                strokeWidth={1.2}
                isAnimationActive={false}
              />
              <LabelList
                content={(props) => (
                  <Figures x={props.x} y={props.y} height={props.height} side={data[props.index ?? -1]?.[which]} />
                )}
              />
            </Bar>
          ))}
        </BarChart>
      </ChartBox>
      <figcaption className="hint">Latency per shape, baseline against the graph that ships there (shorter is faster).</figcaption>
    </figure>
  );
}

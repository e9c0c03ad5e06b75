import { Line, LineChart, Tooltip, XAxis, YAxis } from "recharts";
import type { TrafficHistory } from "../api/types";
import { CHART_COLORS, ChartBox, TICK_STYLE } from "../components/ChartBox";
import { formatMs, isNumber } from "../format/numbers";

/** One line of a chart: a value per minute, null where the minute has no figure (drawn as a gap). */
export type ChartLine = { label: string; className: string; values: (number | null)[] };

const WIDTH = 320;
const HEIGHT = 130;
const LEFT = 62;
const MARGIN = { top: 10, right: 10, bottom: 0, left: 0 };
const X_AXIS_HEIGHT = 22;

const SERIES_COLORS: Record<string, string> = {
  "series-main": CHART_COLORS.accent,
  "series-tail": CHART_COLORS.tail,
  "series-bad": CHART_COLORS.bad,
};

/** A minute with a figure between two without: a line has nothing to join it to, so it shows as a dot. */
function isolated(values: (number | null)[], index: number): boolean {
  return isNumber(values[index]) && !isNumber(values[index - 1]) && !isNumber(values[index + 1]);
}

/**
 * The value axis's two labels, zero and the top, both inside the plot's height: the top one hangs
 * from its line, zero sits on the axis. The top one is marked for tests and page objects.
 */
function ValueTick({ y, payload, index, format, testId }: {
  y: number | string;
  payload: { value?: unknown };
  index: number;
  format: (value: number) => string;
  testId: string;
}) {
  const top = index === 1;
  return (
    <text x={LEFT - 4} y={Number(y)} dy={top ? "0.75em" : 0} textAnchor="end" data-testid={top ? `${testId}-top` : undefined} {...TICK_STYLE}>
      {format(Number(payload.value))}
    </text>
  );
}

/**
 * A small line chart of per-minute values over the window: the minutes along x (oldest left, the
 * current one at the right edge), 0 to the highest value along y, a gap where a minute has no
 * figure (`connectNulls={false}`) and a dot for a minute that stands alone between gaps.
 */
export function TimeSeriesChart({
  title,
  lines,
  format,
  testId,
  times = [],
}: {
  title: string;
  lines: ChartLine[];
  format: (value: number) => string;
  testId: string;
  /** Each minute's start (ISO 8601), for the tooltip. */
  times?: string[];
}) {
  const minutes = Math.max(...lines.map((line) => line.values.length), 1);
  const present = lines.flatMap((line) => line.values.filter(isNumber));
  const top = Math.max(...present, 0);
  const scaleTop = top > 0 ? top : 1;
  // The newest minute sits at the right edge, also when the window holds a single minute.
  const first = Math.min(0, minutes - 2);
  const data = Array.from({ length: minutes }, (_, minute) =>
    Object.fromEntries([["minute", minute], ...lines.map((line, index) => [`s${index}`, line.values[minute] ?? null])]),
  );
  const summary = lines
    .map((line) => {
      const values = line.values.filter(isNumber);
      return values.length
        ? `${line.label} latest ${format(values.at(-1)!)}, highest ${format(Math.max(...values))}`
        : `${line.label} no figures`;
    })
    .join("; ");
  return (
    <figure className="traffic-chart" data-testid={testId}>
      <figcaption>
        <strong>{title}</strong>
        {lines.length > 1 && (
          <span className="legend" aria-hidden="true">
            {lines.map((line) => (
              <span key={line.label}>
                <span className={`swatch ${line.className}`} />
                {line.label}
              </span>
            ))}
          </span>
        )}
      </figcaption>
      <ChartBox width={WIDTH} height={HEIGHT} grow label={`${title} over the last ${minutes} minutes: ${summary}`}>
        <LineChart data={data} margin={MARGIN} accessibilityLayer={false}>
          <XAxis
            type="number"
            dataKey="minute"
            domain={[first, minutes - 1]}
            ticks={[first, minutes - 1]}
            tick={(props) => (
              // The window's two ends, kept inside the plot's width: the oldest minute's start-aligned, "now" end-aligned.
              <text x={props.x} y={props.y} dy="1em" textAnchor={props.index === 0 ? "start" : "end"} {...TICK_STYLE} fill={CHART_COLORS.muted}>
                {props.index === 0 ? `${minutes} min ago` : "now"}
              </text>
            )}
            tickLine={false}
            stroke={CHART_COLORS.muted}
            height={X_AXIS_HEIGHT}
          />
          <YAxis
            type="number"
            domain={[0, scaleTop]}
            ticks={[0, scaleTop]}
            width={LEFT}
            tickLine={false}
            stroke={CHART_COLORS.muted}
            tick={(props) => <ValueTick {...props} format={format} testId={testId} />}
          />
          <Tooltip
            isAnimationActive={false}
            separator=": "
            labelFormatter={(minute) => {
              const start = times[Number(minute)];
              return start ? new Date(start).toLocaleTimeString("en-GB", { hour: "2-digit", minute: "2-digit" }) : "";
            }}
            formatter={(value, name) => [isNumber(value) ? format(value) : "—", name]}
          />
          {lines.map((line, index) => (
            <Line
              key={line.label}
              dataKey={`s${index}`}
              name={line.label}
              type="linear"
              className={line.className}
              stroke={SERIES_COLORS[line.className] ?? CHART_COLORS.accent}
              strokeWidth={1.8}
              connectNulls={false}
              isAnimationActive={false}
              dot={(props) =>
                isolated(line.values, props.index) ? (
                  <circle
                    key={props.index}
                    className={`series-dot ${line.className}`}
                    cx={props.cx}
                    cy={props.cy}
                    r={2.5}
                    fill={SERIES_COLORS[line.className] ?? CHART_COLORS.accent}
                  />
                ) : null
              }
            />
          ))}
        </LineChart>
      </ChartBox>
    </figure>
  );
}

export function formatRate(value: number): string {
  return `${value.toFixed(value < 10 ? 2 : 0)}/s`;
}

export function formatPercent(value: number): string {
  return `${value.toFixed(value < 10 ? 2 : 1)}%`;
}

/**
 * The deployment's health over the window: requests per second, p50/p99 latency and error rate per
 * minute, from the samples the platform takes of the engine's counters. Until two samples exist
 * there is no rate to draw, and the panel says when there will be.
 */
export function TrafficCharts({ history }: { history: TrafficHistory }) {
  if (history.samples < 2) {
    return (
      <p className="hint" data-testid="traffic-history-empty">
        No history yet: the platform samples the engine's counters every {history.sample_interval_s} s, and the charts
        start once it has two samples.
      </p>
    );
  }
  const points = history.points;
  const times = points.map((point) => point.start);
  return (
    <div className="traffic-charts" data-testid="traffic-charts">
      <TimeSeriesChart
        title="Requests per second"
        testId="traffic-chart-rate"
        format={formatRate}
        times={times}
        lines={[{ label: "requests", className: "series-main", values: points.map((point) => point.requests_per_s) }]}
      />
      <TimeSeriesChart
        title="Latency"
        testId="traffic-chart-latency"
        format={formatMs}
        times={times}
        lines={[
          { label: "p50", className: "series-main", values: points.map((point) => point.p50_ms) },
          { label: "p99", className: "series-tail", values: points.map((point) => point.p99_ms) },
        ]}
      />
      <TimeSeriesChart
        title="Error rate"
        testId="traffic-chart-errors"
        format={formatPercent}
        times={times}
        lines={[
          {
            label: "errors",
            className: "series-bad",
            values: points.map((point) => (isNumber(point.error_rate) ? point.error_rate * 100 : null)),
          },
        ]}
      />
    </div>
  );
}

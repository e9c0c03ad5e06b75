import { Link } from "react-router";
import { Bar, BarChart, LabelList, Rectangle, XAxis, YAxis, type RectangleProps } from "recharts";
import { useSpeedups } from "../api/queries";
import { CategoryTick, CHART_COLORS, ChartBox, TICK_STYLE } from "../components/ChartBox";
import { PageTitle } from "../components/PageTitle";
import { EmptyState, ErrorState, LoadingState } from "../components/StateViews";
import { ResponsiveTable } from "../components/ResponsiveTable";

type Bucket = { label: string; count: number };
type Distribution = { buckets: Bucket[]; jobs: number; share_above_1_1: number | null };

function formatShare(share: number | null): string {
  return share === null ? "—" : `${Math.round(share * 100)}%`;
}

const ROW = 24;
const LABEL = 110;
const WIDTH = 560;
const MARGIN = { top: 4, right: 50, bottom: 4, left: 0 };

/** Jobs per speed-up bucket as horizontal bars; the exact counts are printed beside each bar. */
export function SpeedupHistogram({ buckets }: { buckets: Bucket[] }) {
  const max = Math.max(1, ...buckets.map((bucket) => bucket.count));
  return (
    <ChartBox
      width={WIDTH}
      height={buckets.length * ROW + MARGIN.top + MARGIN.bottom}
      testId="speedup-histogram"
      label={`Jobs per speed-up: ${buckets.map((bucket) => `${bucket.label}: ${bucket.count}`).join(", ")}`}
    >
      <BarChart data={buckets} layout="vertical" margin={MARGIN} barSize={ROW - 8} accessibilityLayer={false}>
        <XAxis type="number" hide domain={[0, max]} />
        <YAxis
          type="category"
          dataKey="label"
          width={LABEL}
          interval={0}
          axisLine={false}
          tickLine={false}
          tick={(props) => <CategoryTick {...props} />}
        />
        <Bar
          dataKey="count"
          className="bar-optimized"
          fill={CHART_COLORS.accent}
          isAnimationActive={false}
          // Its own shape keeps an empty bucket's (zero-width) bar, so its label still prints 0.
          shape={(props: RectangleProps) => <Rectangle {...props} />}
        >
          <LabelList dataKey="count" position="right" style={TICK_STYLE} />
        </Bar>
      </BarChart>
    </ChartBox>
  );
}

function BreakdownTable({ title, rows }: { title: string; rows: Record<string, Distribution> }) {
  const entries = Object.entries(rows);
  if (entries.length === 0) return null;
  return (
    <section aria-labelledby={`by-${title}`}>
      <h2 id={`by-${title}`}>By {title}</h2>
      <ResponsiveTable testId={`speedups-by-${title}`}>
        <thead>
          <tr>
            <th scope="col">{title === "recipe" ? "Recipe" : "Model family"}</th>
            <th scope="col" className="number">
              Jobs
            </th>
            <th scope="col" className="number">
              Above 1.1×
            </th>
          </tr>
        </thead>
        <tbody>
          {entries.map(([name, distribution]) => (
            <tr key={name}>
              <th scope="row">{name}</th>
              <td className="number">{distribution.jobs}</td>
              <td className="number">{formatShare(distribution.share_above_1_1)}</td>
            </tr>
          ))}
        </tbody>
      </ResponsiveTable>
    </section>
  );
}

export function DashboardPage() {
  const speedups = useSpeedups();
  return (
    <div className="page dashboard-page">
      <PageTitle title="Dashboard" />
      <h1>Dashboard</h1>
      {speedups.isPending ? (
        <LoadingState label="Loading the speed-up distribution…" />
      ) : speedups.isError ? (
        <ErrorState error={speedups.error} onRetry={() => void speedups.refetch()} />
      ) : speedups.data.jobs === 0 ? (
        <EmptyState>
          <p>
            No finished optimization yet. <Link to="/models">Optimize a model</Link> and its speed-up shows up here.
          </p>
        </EmptyState>
      ) : (
        <>
          <div className="stat-cards">
            <div className="card">
              <p className="muted">Jobs measured</p>
              <p className="stat-value" data-testid="dashboard-jobs">
                {speedups.data.jobs}
              </p>
            </div>
            <div className="card">
              <p className="muted">Faster than 1.1×</p>
              <p className="stat-value" data-testid="dashboard-share">
                {formatShare(speedups.data.share_above_1_1)}
              </p>
            </div>
          </div>
          <section aria-labelledby="distribution-title">
            <h2 id="distribution-title">Speed-up distribution over all jobs</h2>
            <SpeedupHistogram buckets={speedups.data.buckets} />
          </section>
          <BreakdownTable title="recipe" rows={speedups.data.by_recipe} />
          <BreakdownTable title="family" rows={speedups.data.by_family} />
        </>
      )}
    </div>
  );
}

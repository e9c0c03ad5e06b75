import { Link } from "react-router";
import { useSpeedups } from "../api/queries";
import { PageTitle } from "../components/PageTitle";
import { EmptyState, ErrorState, LoadingState } from "../components/StateViews";

type Bucket = { label: string; count: number };
type Distribution = { buckets: Bucket[]; jobs: number; share_above_1_1: number | null };

function formatShare(share: number | null): string {
  return share === null ? "—" : `${Math.round(share * 100)}%`;
}

const ROW = 24;
const LABEL = 110;
const WIDTH = 560;

/** Jobs per speed-up bucket as horizontal bars; the exact counts are printed beside each bar. */
export function SpeedupHistogram({ buckets }: { buckets: Bucket[] }) {
  const max = Math.max(1, ...buckets.map((bucket) => bucket.count));
  const space = WIDTH - LABEL - 50;
  return (
    <svg
      className="chart"
      viewBox={`0 0 ${WIDTH} ${buckets.length * ROW + 8}`}
      width={WIDTH}
      role="img"
      aria-label={`Jobs per speed-up: ${buckets.map((bucket) => `${bucket.label}: ${bucket.count}`).join(", ")}`}
      data-testid="speedup-histogram"
    >
      {buckets.map((bucket, index) => {
        const y = 4 + index * ROW;
        const width = bucket.count ? Math.max(2, (bucket.count / max) * space) : 0;
        return (
          <g key={bucket.label}>
            <text x={6} y={y + 15}>
              {bucket.label}
            </text>
            <rect className="bar-optimized" x={LABEL} y={y + 3} width={width} height={ROW - 8} />
            <text x={LABEL + width + 6} y={y + 15}>
              {bucket.count}
            </text>
          </g>
        );
      })}
    </svg>
  );
}

function BreakdownTable({ title, rows }: { title: string; rows: Record<string, Distribution> }) {
  const entries = Object.entries(rows);
  if (entries.length === 0) return null;
  return (
    <section aria-labelledby={`by-${title}`}>
      <h2 id={`by-${title}`}>By {title}</h2>
      <div className="table-scroll">
        <table data-testid={`speedups-by-${title}`}>
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
        </table>
      </div>
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

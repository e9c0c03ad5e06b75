import { useDeploymentTraffic } from "../api/queries";
import type { Deployment, TrafficHistory } from "../api/types";
import { MISSING, formatCount, formatMs, isNumber } from "../format/numbers";
import { TrafficCharts, formatRate } from "./TrafficCharts";

/** The newest minute with a rate: what "now" is, to a minute. */
export function latestRate(history: TrafficHistory | undefined): number | null {
  const rates = (history?.points ?? []).map((point) => point.requests_per_s).filter(isNumber);
  return rates.at(-1) ?? null;
}

/**
 * What the serving engine has counted for this deployment's model: calls, errors, latency
 * percentiles since the engine started, and the last hour minute by minute (the platform's
 * samples of those counters, kept when the engine is away).
 */
export function TrafficPanel({ deployment }: { deployment: Deployment }) {
  const watching = deployment.status === "ready" || deployment.status === "updating";
  const traffic = useDeploymentTraffic(deployment.id, watching);
  if (!watching) return null;
  if (traffic.isPending) return <p className="hint">Reading the engine's metrics…</p>;
  if (traffic.isError) return <p className="bad-text">Traffic could not be read: {(traffic.error as Error).message}</p>;
  const figures = traffic.data;
  const history = (
    <section aria-labelledby="traffic-history-title" className="traffic-history">
      <h3 id="traffic-history-title">Last hour, per minute</h3>
      <TrafficCharts history={figures.history} />
    </section>
  );
  if (!figures.reachable) {
    return (
      <div data-testid="traffic">
        <p className="state state-error" data-testid="traffic-unreachable" role="status">
          {figures.message || "The serving engine is unreachable."}
        </p>
        {history}
      </div>
    );
  }
  const rate = latestRate(figures.history);
  return (
    <div data-testid="traffic">
      <div className="stat-cards traffic-cards">
        <div className="card">
          <p className="hint">Requests</p>
          <p className="stat-value" data-testid="traffic-requests">
            {formatCount(figures.requests)}
          </p>
          {isNumber(rate) && (
            <p className="hint" data-testid="traffic-rate">
              {formatRate(rate)} in the last minute sampled
            </p>
          )}
        </div>
        <div className="card">
          <p className="hint">Errors</p>
          <p className={`stat-value${figures.errors ? " bad-text" : ""}`} data-testid="traffic-errors">
            {formatCount(figures.errors)}
          </p>
          <p className="hint">
            {isNumber(figures.error_rate) ? `${(figures.error_rate * 100).toFixed(2)}% of calls` : "no calls yet"}
          </p>
        </div>
        <div className="card">
          <p className="hint">Latency p50 / p90 / p99</p>
          <p className="stat-value small-stat" data-testid="traffic-latency">
            {figures.latency_ms
              ? [figures.latency_ms.p50, figures.latency_ms.p90, figures.latency_ms.p99].map((v) => (isNumber(v) ? formatMs(v) : MISSING)).join(" / ")
              : MISSING}
          </p>
          <p className="hint">mean {formatMs(figures.mean_ms)}</p>
        </div>
      </div>
      <p className="hint">
        Counted by the serving engine since it started{figures.message ? ` · ${figures.message}` : ""}; percentiles from its
        latency histogram's buckets.
      </p>
      {history}
    </div>
  );
}

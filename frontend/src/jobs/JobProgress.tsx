import { useEffect, useState } from "react";
import type { Job } from "../api/types";
import { StatusBadge } from "../components/StatusBadge";
import { formatSeconds } from "../format/numbers";
import { asLogLines, asRecord } from "./report";

export type JobTiming = { elapsedS: number; remainingS: number | null; basis: "progress" | "time budget" | null };

// Below this much progress the rate says little (the first stages are short and fixed-cost).
const MIN_PROGRESS_FOR_ESTIMATE = 10;

/**
 * How long a running job has run and about how long it has left. Progress extrapolates the rate so
 * far; a time budget caps the search, so it bounds the estimate from above (the search is most of a
 * job; packaging after it takes seconds). The budget is the one the worker runs
 * (effective_time_budget_s: the request's, or the model's minimum where that is larger, as the job log
 * says) once the search has started, the request's (options.time_budget_s) before. Past it the clock
 * says the job is finishing. Null when neither says anything.
 */
export function jobTiming(
  job: Pick<Job, "started_at" | "progress" | "options"> & Partial<Pick<Job, "effective_time_budget_s">>,
  now: number,
): JobTiming | null {
  if (!job.started_at) return null;
  const elapsedS = Math.max(0, (now - Date.parse(job.started_at)) / 1000);
  if (!Number.isFinite(elapsedS)) return null;
  const progress = job.progress ?? 0;
  const fromProgress =
    progress >= MIN_PROGRESS_FOR_ESTIMATE && progress < 100 ? (elapsedS * (100 - progress)) / progress : null;
  const budget = job.effective_time_budget_s ?? asRecord(job.options)?.time_budget_s;
  const fromBudget = typeof budget === "number" && budget > 0 ? Math.max(0, budget - elapsedS) : null;
  if (fromProgress !== null && (fromBudget === null || fromProgress <= fromBudget)) {
    return { elapsedS, remainingS: fromProgress, basis: "progress" };
  }
  if (fromBudget !== null) return { elapsedS, remainingS: fromBudget, basis: "time budget" };
  return { elapsedS, remainingS: null, basis: null };
}

/** Elapsed time ticking each second while the job runs, with the estimate beside it. */
function RunningClock({ job }: { job: Job }) {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = window.setInterval(() => setNow(Date.now()), 1000);
    return () => window.clearInterval(timer);
  }, []);
  const timing = jobTiming(job, now);
  if (!timing) return null;
  return (
    <span data-testid="job-elapsed">
      running for {formatSeconds(timing.elapsedS)}
      {timing.remainingS !== null &&
        (timing.remainingS < 1 && timing.basis === "time budget"
          ? " · past its time budget, finishing the last step"
          : ` · about ${formatSeconds(timing.remainingS)} left (from ${timing.basis})`)}
    </span>
  );
}

export function JobLog({ lines }: { lines: string[] }) {
  if (lines.length === 0) return <p className="muted">No log lines yet.</p>;
  return (
    // tabIndex lets keyboard users scroll a long log.
    <ol className="job-log" data-testid="job-log" tabIndex={0} aria-label="Job log">
      {lines.map((line, index) => (
        <li key={index}>{line}</li>
      ))}
    </ol>
  );
}

export function JobProgress({ job }: { job: Job }) {
  const percent = Math.max(0, Math.min(100, job.progress ?? 0));
  return (
    <div className="job-progress">
      <div className="progress-line">
        <StatusBadge status={job.status} testId="job-status" />
        <span>
          Stage: <strong data-testid="job-stage">{job.stage || "waiting for a worker"}</strong>
        </span>
        <span data-testid="job-percent">{percent}%</span>
        {job.status === "running" && <RunningClock job={job} />}
      </div>
      <progress
        max={100}
        value={percent}
        aria-label="Optimization progress"
        aria-valuetext={`${percent}% (${job.stage || job.status})`}
        data-testid="job-progress"
      />
      {job.status === "failed" && job.error && (
        <div className="form-error" role="alert" data-testid="job-error">
          <p>The optimization failed:</p>
          <pre>{job.error}</pre>
        </div>
      )}
      <details open={job.status !== "succeeded"}>
        <summary>Log ({asLogLines(job.log).length} lines)</summary>
        <JobLog lines={asLogLines(job.log)} />
      </details>
    </div>
  );
}

import type { Job } from "../api/types";
import { StatusBadge } from "../components/StatusBadge";
import { asLogLines } from "./report";

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

import { useState, type FormEvent } from "react";
import { useDeploymentHealth, useRedeploy, useSucceededJobs } from "../api/queries";
import type { Deployment, Job } from "../api/types";
import { formatDateTime, formatSpeedup } from "../format/numbers";
import { asReport } from "../jobs/report";
import { FieldErrors, FormError, fieldHasError } from "../components/FormErrors";

export function HealthPanel({ deployment }: { deployment: Deployment }) {
  const checkable = deployment.status !== "stopped";
  const health = useDeploymentHealth(deployment.id, checkable);
  if (!checkable) return null;
  return (
    <div className="health" data-testid="deployment-health" aria-live="polite">
      {health.isPending ? (
        <p className="hint">Checking the engine…</p>
      ) : health.isError ? (
        <p className="bad-text">Health check failed: {(health.error as Error).message}</p>
      ) : (
        <p>
          Engine {health.data.live ? "live" : "not answering"} · model {health.data.ready ? "ready" : "not ready"}
          {health.data.message ? ` · ${health.data.message}` : ""}{" "}
          <button type="button" onClick={() => void health.refetch()} disabled={health.isFetching}>
            {health.isFetching ? "Checking…" : "Check again"}
          </button>
        </p>
      )}
    </div>
  );
}

const REDEPLOY_FIELDS = ["job", "max_batch_size", "max_batch_time"];

/** "#12 · v2 · int8 · 1.84× · 25 Nov 2026, 10:00:00 · serving now": enough to tell jobs apart. */
export function jobLabel(job: Partial<Job> & { id: number }, serving: number): string {
  const speedup = asReport(job.report)?.overall?.speedup;
  const parts = [
    `#${job.id}`,
    job.model_version ? `v${job.model_version}` : null,
    job.recipe ?? null,
    typeof speedup === "number" ? formatSpeedup(speedup) : null,
    job.created_at ? formatDateTime(job.created_at) : null,
    job.id === serving ? "serving now" : null,
  ];
  return parts.filter(Boolean).join(" · ");
}

/** Serve a newer job of the same model at the same URL, and/or change adaptive batching. */
export function RedeployForm({ deployment }: { deployment: Deployment }) {
  const redeploy = useRedeploy(deployment.id);
  const jobs = useSucceededJobs(deployment.model);
  const [job, setJob] = useState(String(deployment.job));
  // The job serving now is always a choice (the list is the newest page and may not reach it).
  const listed = jobs.data ?? [];
  const choices = listed.some((entry) => entry.id === deployment.job)
    ? listed
    : [...listed, { id: deployment.job } as Job];
  const [batchSize, setBatchSize] = useState(String(deployment.max_batch_size));
  const [batchTime, setBatchTime] = useState(String(deployment.max_batch_time));

  function submit(event: FormEvent) {
    event.preventDefault();
    redeploy.mutate({
      job: Number(job),
      max_batch_size: batchSize.trim() ? Number(batchSize) : undefined,
      max_batch_time: batchTime.trim() ? Number(batchTime) : undefined,
    });
  }

  return (
    <form className="card" onSubmit={submit} aria-labelledby="redeploy-title" data-testid="redeploy-form">
      <h3 id="redeploy-title">Redeploy</h3>
      <p className="hint">Same endpoint URL, no downtime: the engine loads the new package, then switches.</p>
      <FormError error={redeploy.error} shownFields={REDEPLOY_FIELDS} />
      <label htmlFor="redeploy-job">Job</label>
      <select
        id="redeploy-job"
        required
        value={job}
        onChange={(event) => setJob(event.target.value)}
        disabled={jobs.isPending}
        aria-invalid={fieldHasError(redeploy.error, "job")}
        aria-describedby="redeploy-job-hint redeploy-job-errors"
      >
        {jobs.isPending && <option value={job}>Loading the model's jobs…</option>}
        {choices.map((choice) => (
          <option key={choice.id} value={String(choice.id)}>
            {jobLabel(choice, deployment.job)}
          </option>
        ))}
      </select>
      <p id="redeploy-job-hint" className="hint">
        {jobs.isError
          ? `The model's jobs could not be listed (${(jobs.error as Error).message}).`
          : "The succeeded optimization jobs of this model, newest first."}
      </p>
      <FieldErrors id="redeploy-job-errors" error={redeploy.error} field="job" />
      <label htmlFor="redeploy-batch-size">Max batch size</label>
      <input
        id="redeploy-batch-size"
        type="number"
        min={0}
        value={batchSize}
        onChange={(event) => setBatchSize(event.target.value)}
        aria-invalid={fieldHasError(redeploy.error, "max_batch_size")}
        aria-describedby="redeploy-batch-size-hint redeploy-batch-size-errors"
      />
      <p id="redeploy-batch-size-hint" className="hint">
        Adaptive batching: 0 or 1 is off; needs a dynamic first dim.
      </p>
      <FieldErrors id="redeploy-batch-size-errors" error={redeploy.error} field="max_batch_size" />
      <label htmlFor="redeploy-batch-time">Max batch wait (seconds)</label>
      <input
        id="redeploy-batch-time"
        type="number"
        min={0}
        step={0.001}
        value={batchTime}
        onChange={(event) => setBatchTime(event.target.value)}
        aria-invalid={fieldHasError(redeploy.error, "max_batch_time")}
        aria-describedby="redeploy-batch-time-errors"
      />
      <FieldErrors id="redeploy-batch-time-errors" error={redeploy.error} field="max_batch_time" />
      <button type="submit" className="primary" disabled={redeploy.isPending || deployment.status === "stopping"}>
        {redeploy.isPending ? "Redeploying…" : "Redeploy"}
      </button>
    </form>
  );
}

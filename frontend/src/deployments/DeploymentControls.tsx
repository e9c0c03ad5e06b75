import { useState, type FormEvent } from "react";
import { useDeploymentHealth, useRedeploy } from "../api/queries";
import type { Deployment } from "../api/types";
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

/** Serve a newer job of the same model at the same URL, and/or change adaptive batching. */
export function RedeployForm({ deployment }: { deployment: Deployment }) {
  const redeploy = useRedeploy(deployment.id);
  const [job, setJob] = useState(String(deployment.job));
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
      <input
        id="redeploy-job"
        type="number"
        min={1}
        required
        value={job}
        onChange={(event) => setJob(event.target.value)}
        aria-invalid={fieldHasError(redeploy.error, "job")}
        aria-describedby="redeploy-job-hint redeploy-job-errors"
      />
      <p id="redeploy-job-hint" className="hint">
        A succeeded optimization job of the same model.
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

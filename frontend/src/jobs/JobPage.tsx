import { useScrollToHash } from "../components/useScrollToHash";
import { useState } from "react";
import { Link, useNavigate, useParams } from "react-router";
import { isJobActive, useCancelJob, useDeploy, useJob } from "../api/queries";
import type { Job } from "../api/types";
import { FormError } from "../components/FormErrors";
import { ErrorState, LoadingState } from "../components/StateViews";
import { formatDateTime } from "../format/numbers";
import { ExportPanel } from "./ExportPanel";
import { JobProgress } from "./JobProgress";
import { ReportView } from "./ReportView";
import { asReport } from "./report";
import { PageTitle } from "../components/PageTitle";

function JobFacts({ job }: { job: Job }) {
  return (
    <dl className="key-values" data-testid="job-facts">
      <div>
        <dt>Recipe</dt>
        <dd data-testid="job-recipe">{job.recipe}</dd>
      </div>
      <div>
        <dt>Device</dt>
        <dd>{job.device || "—"}</dd>
      </div>
      <div>
        <dt>Hardware class</dt>
        <dd data-testid="job-hardware-class">
          {job.hardware_class ? <Link to="/hardware">{job.hardware_class}</Link> : "—"}
        </dd>
      </div>
      <div>
        <dt>Model version</dt>
        <dd>v{job.model_version}</dd>
      </div>
      <div>
        <dt>Worker</dt>
        <dd>{job.worker || "—"}</dd>
      </div>
      <div>
        <dt>Created</dt>
        <dd>{formatDateTime(job.created_at)}</dd>
      </div>
      <div>
        <dt>Finished</dt>
        <dd>{formatDateTime(job.finished_at)}</dd>
      </div>
    </dl>
  );
}

function CancelJobButton({ job }: { job: Job }) {
  const cancel = useCancelJob(job.id);
  // The worker stops at its next checkpoint; until then the job is still running.
  const requested = cancel.isPending || Boolean(job.cancel_requested);
  return (
    <>
      <button type="button" className="danger" onClick={() => cancel.mutate()} disabled={requested}>
        {requested ? "Cancelling…" : "Cancel job"}
      </button>
      <FormError error={cancel.error} shownFields={[]} />
    </>
  );
}

function JobActions({ job }: { job: Job }) {
  const deploy = useDeploy();
  const navigate = useNavigate();
  const [requireToken, setRequireToken] = useState(false);
  // The package endpoint is the API's own; package_url may point at object storage instead.
  const packageHref = job.package_url || `/api/v1/jobs/${job.id}/package/`;
  return (
    <div className="actions" id="deploy">
      <a className="button" href={packageHref} download data-testid="download-package">
        Download package
      </a>
      <label className="inline-check">
        <input type="checkbox" checked={requireToken} onChange={(event) => setRequireToken(event.target.checked)} />
        Require an access token
      </label>
      <button
        type="button"
        className="primary"
        data-testid="deploy-button"
        data-autofocus
        disabled={deploy.isPending}
        onClick={() =>
          deploy.mutate(
            { job: job.id, access_token: requireToken },
            {
              // The token exists only in this answer: hand it to the deployment page to show once.
              onSuccess: (deployment) =>
                navigate(`/deployments/${deployment.id}`, { state: { accessToken: deployment.access_token ?? null } }),
            },
          )
        }
      >
        {deploy.isPending ? "Deploying…" : "Deploy"}
      </button>
      <FormError error={deploy.error} shownFields={[]} />
    </div>
  );
}

export function JobPage() {
  const jobId = Number(useParams().jobId);
  const job = useJob(jobId);
  useScrollToHash(job.data?.status === "succeeded");

  if (job.isPending) return <LoadingState label="Loading job…" />;
  if (job.isError && !job.data) return <ErrorState error={job.error} onRetry={() => void job.refetch()} />;

  const { data } = job;
  const report = asReport(data.report);
  return (
    <div className="page job-page">
      <PageTitle title={`Job #${data.id} (${data.status})`} />
      <p className="breadcrumbs">
        <Link to="/models">Models</Link> / <Link to={`/models/${data.model}`}>{data.model_name}</Link> / job{" "}
        {data.id}
      </p>
      <div className="title-row">
        <h1>
          Optimization #{data.id} of {data.model_name}
        </h1>
        {isJobActive(data) && <CancelJobButton job={data} />}
      </div>
      {job.isError && (
        // Keep showing the last known state when one poll fails.
        <ErrorState error={job.error} onRetry={() => void job.refetch()} />
      )}
      <JobFacts job={data} />
      <section aria-labelledby="progress-title">
        <h2 id="progress-title">Progress</h2>
        <JobProgress job={data} />
      </section>
      {data.status === "succeeded" && (
        <section aria-labelledby="report-title">
          <div className="title-row">
            <h2 id="report-title">Report</h2>
            <JobActions job={data} />
          </div>
          {report ? <ReportView report={report} /> : <p className="muted">The job finished without a report.</p>}
        </section>
      )}
      {data.status === "succeeded" && <ExportPanel job={data} />}
    </div>
  );
}

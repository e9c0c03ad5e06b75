import { useEffect, useState } from "react";
import { Link, useLocation, useNavigate, useParams } from "react-router";
import { isDeploymentSettling, useDeployment, useModel, useStopDeployment } from "../api/queries";
import type { Deployment } from "../api/types";
import { CopyableSnippet } from "../components/CopyableSnippet";
import { FormError } from "../components/FormErrors";
import { ErrorState, LoadingState } from "../components/StateViews";
import { StatusBadge } from "../components/StatusBadge";
import { formatDateTime } from "../format/numbers";
import { curlSnippet, pythonSnippet, type EndpointAuth } from "./snippets";
import { PageTitle } from "../components/PageTitle";
import { HealthPanel, RedeployForm } from "./DeploymentControls";
import { TrafficPanel } from "./TrafficPanel";
import { TestInferenceForm } from "./TestInferenceForm";
import { acceptsText } from "./TextInput";
import { describeAccuracy, describeSpeed } from "./engineChecks";

/**
 * The token arrives once, in the answer that created the deployment (see JobPage). It is
 * kept in memory and dropped from the history entry, which would otherwise keep it across
 * reloads and back/forward.
 */
function useNewAccessToken(): string | null {
  const location = useLocation();
  const navigate = useNavigate();
  const fromState = (location.state as { accessToken?: unknown } | null)?.accessToken;
  const [token] = useState(() => (typeof fromState === "string" && fromState ? fromState : null));
  useEffect(() => {
    if (fromState !== undefined) navigate(location.pathname, { replace: true, state: null });
  }, [fromState, location.pathname, navigate]);
  return token;
}

function AccessTokenNotice({ token }: { token: string | null }) {
  if (!token) {
    return (
      <p className="muted" data-testid="token-required">
        This endpoint needs <code>Authorization: Bearer &lt;token&gt;</code>. The token was shown once, when the
        deployment was created; the snippets below use a placeholder.
      </p>
    );
  }
  return (
    <div className="card token-notice" data-testid="access-token-notice">
      <p>
        <strong>Copy the access token now:</strong> it is stored hashed and will not be shown again.
      </p>
      <CopyableSnippet title="Access token" code={token} testId="access-token" />
    </div>
  );
}

function InferenceSnippets({ deployment, auth }: { deployment: Deployment; auth: EndpointAuth }) {
  const model = useModel(deployment.model);
  if (model.isPending) return <LoadingState label="Loading the model signature…" />;
  if (model.isError) return <ErrorState error={model.error} onRetry={() => void model.refetch()} />;
  const inputs = model.data.signature?.inputs ?? model.data.latest_version?.signature?.inputs ?? [];
  return (
    <>
      <TestInferenceForm
        endpointUrl={deployment.endpoint_url}
        inputs={inputs}
        tokenRequired={deployment.access_token_required}
        initialToken={auth.token ?? null}
        ready={deployment.status === "ready"}
        labelsKey={`model-${deployment.model}`}
        text={
          deployment.tokenizer && acceptsText(inputs, deployment.tokenizer)
            ? { deploymentId: deployment.id, tokenizer: deployment.tokenizer }
            : null
        }
        preprocessing={model.data.preprocessing}
        savedLabels={model.data.labels}
        jobId={deployment.job}
      />
      <CopyableSnippet title="curl" code={curlSnippet(deployment.endpoint_url, inputs, auth)} testId="snippet-curl" />
      <CopyableSnippet
        title="Python"
        code={pythonSnippet(deployment.endpoint_url, inputs, auth)}
        testId="snippet-python"
      />
    </>
  );
}

function StopDeploymentButton({ deployment }: { deployment: Deployment }) {
  const stop = useStopDeployment(deployment.id);
  return (
    <>
      <button type="button" className="danger" onClick={() => stop.mutate()} disabled={stop.isPending}>
        {stop.isPending ? "Stopping…" : "Stop deployment"}
      </button>
      <FormError error={stop.error} shownFields={[]} />
    </>
  );
}

export function DeploymentPage() {
  const deploymentId = Number(useParams().deploymentId);
  const deployment = useDeployment(deploymentId);
  const newToken = useNewAccessToken();

  if (deployment.isPending) return <LoadingState label="Loading deployment…" />;
  if (deployment.isError && !deployment.data)
    return <ErrorState error={deployment.error} onRetry={() => void deployment.refetch()} />;

  const { data } = deployment;
  const live = data.status === "ready" || isDeploymentSettling(data);
  const auth: EndpointAuth = { required: data.access_token_required, token: newToken };
  const speed = describeSpeed(data.speed_on_engine);
  return (
    <div className="page deployment-page">
      <PageTitle title={`Deployment ${data.name} (${data.status})`} />
      <p className="breadcrumbs">
        <Link to="/deployments">Deployments</Link> / {data.name}
      </p>
      <div className="title-row">
        <h1>Deployment {data.name}</h1>
        {live && data.status !== "stopping" && <StopDeploymentButton deployment={data} />}
      </div>
      <dl className="key-values">
        <div>
          <dt>Status</dt>
          <dd aria-live="polite">
            <StatusBadge status={data.status} testId="deployment-status" />
          </dd>
        </div>
        <div>
          <dt>Model</dt>
          <dd>
            <Link to={`/models/${data.model}`}>{data.model_name}</Link>
          </dd>
        </div>
        <div>
          <dt>From job</dt>
          <dd>
            <Link to={`/jobs/${data.job}`}>#{data.job}</Link>
          </dd>
        </div>
        {data.status === "updating" && data.target_job != null && (
          <div>
            <dt>Updating to</dt>
            <dd>
              <Link to={`/jobs/${data.target_job}`}>job #{data.target_job}</Link>
            </dd>
          </div>
        )}
        <div>
          <dt>Hardware class</dt>
          <dd data-testid="deployment-hardware-class">
            {data.hardware_class || "not reported yet"}
            {data.measured_on_other_class && (
              <strong className="form-error"> — measured on another class ({data.package_hardware_class})</strong>
            )}
          </dd>
        </div>
        <div>
          <dt>Accuracy on the engine</dt>
          <dd data-testid="deployment-accuracy-on-engine">{describeAccuracy(data.accuracy_on_engine)}</dd>
        </div>
        <div>
          <dt>Speed on the engine</dt>
          <dd data-testid="deployment-speed-on-engine" className={speed.slower ? "form-error" : undefined}>
            {speed.text}
          </dd>
        </div>
        <div>
          <dt>Adaptive batching</dt>
          <dd data-testid="deployment-batching">
            {data.max_batch_size > 1
              ? `up to ${data.max_batch_size} requests, waiting at most ${data.max_batch_time * 1000} ms`
              : "off"}
          </dd>
        </div>
        <div>
          <dt>Updated</dt>
          <dd>{formatDateTime(data.updated_at)}</dd>
        </div>
      </dl>
      {data.message && (
        <p className={data.status === "failed" ? "form-error" : "muted"} data-testid="deployment-message">
          {data.message}
        </p>
      )}
      <HealthPanel deployment={data} />
      {(data.status === "ready" || data.status === "updating") && (
        <section aria-labelledby="traffic-title">
          <h2 id="traffic-title">Traffic</h2>
          <TrafficPanel deployment={data} />
        </section>
      )}
      <section aria-labelledby="endpoint-title">
        <h2 id="endpoint-title">Endpoint</h2>
        <p className="muted">Open Inference Protocol (KServe v2) REST. Send a POST with JSON tensors.</p>
        <p>
          <code className="break" data-testid="endpoint-url">
            {data.endpoint_url || "—"}
          </code>
        </p>
        {data.status !== "ready" && (
          <p className="muted">The endpoint answers once the status is “ready”.</p>
        )}
        {data.access_token_required && <AccessTokenNotice token={newToken} />}
        {data.endpoint_url && <InferenceSnippets deployment={data} auth={auth} />}
      </section>
      {live && data.status !== "stopping" && (
        <section aria-labelledby="redeploy-title">
          <RedeployForm deployment={data} />
        </section>
      )}
    </div>
  );
}

import { Link, useNavigate, useParams } from "react-router";
import { isModelInspecting, useModel } from "../api/queries";
import type { ModelDetail } from "../api/types";
import { ErrorState, LoadingState } from "../components/StateViews";
import { formatBytes, formatDateTime } from "../format/numbers";
import { NodeCountsTable } from "./NodeCountsTable";
import { OptimizeForm } from "./OptimizeForm";
import { SignatureTable } from "./SignatureTable";
import { PageTitle } from "../components/PageTitle";

function optimizeUnavailableReason(model: ModelDetail): string | null {
  if (!model.latest_version) return "There is no version to optimize.";
  if (isModelInspecting(model)) return "Available once inspection finishes.";
  if (model.latest_version.status === "failed") return "This version could not be inspected.";
  return null;
}

function ModelFacts({ model }: { model: ModelDetail }) {
  const version = model.latest_version;
  return (
    <dl className="key-values" data-testid="model-facts">
      <div>
        <dt>Version</dt>
        <dd>{version ? `v${version.number}` : "—"}</dd>
      </div>
      <div>
        <dt>Format</dt>
        <dd>
          {version?.format ?? "—"}
          {version?.opset != null ? ` (opset ${version.opset})` : ""}
        </dd>
      </div>
      <div>
        <dt>Framework</dt>
        <dd>{version?.framework || "—"}</dd>
      </div>
      <div>
        <dt>Size</dt>
        <dd>{formatBytes(version?.size_bytes)}</dd>
      </div>
      <div>
        <dt>SHA-256</dt>
        <dd className="mono break">{version?.sha256 || "—"}</dd>
      </div>
      <div>
        <dt>Owner</dt>
        <dd>{model.owner}</dd>
      </div>
      <div>
        <dt>Registered</dt>
        <dd>{formatDateTime(model.created_at)}</dd>
      </div>
    </dl>
  );
}

/** Says why the page has no signature yet (inspection running) or why it never will (failed). */
function VersionStatusNotice({ model }: { model: ModelDetail }) {
  const version = model.latest_version;
  if (!version) return <p className="form-error">This model has no stored version.</p>;
  if (version.status === "failed") {
    return (
      <div className="form-error" role="alert" data-testid="version-status">
        <p>Whetstone could not inspect this model: {version.status_message || "no reason given"}</p>
      </div>
    );
  }
  if (isModelInspecting(model)) {
    return (
      <p className="state" role="status" data-testid="version-status">
        {version.status_message || "Stored; the signature and graph statistics are being computed."}
      </p>
    );
  }
  return null;
}

export function ModelDetailPage() {
  const modelId = Number(useParams().modelId);
  const navigate = useNavigate();
  const model = useModel(modelId);

  if (model.isPending) return <LoadingState label="Loading model…" />;
  if (model.isError) return <ErrorState error={model.error} onRetry={() => void model.refetch()} />;

  const { data } = model;
  const signature = data.signature ?? data.latest_version?.signature;
  const dynamicDims = data.latest_version?.dynamic_dims ?? [];
  return (
    <div className="page model-detail-page">
      <PageTitle title={data.name} />
      <p className="breadcrumbs">
        <Link to="/models">Models</Link> / {data.name}
      </p>
      <h1 data-testid="model-name">{data.name}</h1>
      {data.description && <p>{data.description}</p>}
      <VersionStatusNotice model={data} />
      <div className="two-columns">
        <div className="grow">
          <section aria-labelledby="facts-title">
            <h2 id="facts-title">Details</h2>
            <ModelFacts model={data} />
          </section>
          <section aria-labelledby="signature-title">
            <h2 id="signature-title">Signature</h2>
            {dynamicDims.length > 0 && (
              <p className="muted" data-testid="dynamic-dims">
                Dynamic dimensions: {dynamicDims.join(", ")}
              </p>
            )}
            <SignatureTable inputs={signature?.inputs ?? []} outputs={signature?.outputs ?? []} />
          </section>
          <section aria-labelledby="nodes-title">
            <h2 id="nodes-title">Graph nodes by category</h2>
            <NodeCountsTable counts={data.node_counts ?? data.latest_version?.node_counts} />
          </section>
        </div>
        <aside className="side">
          <OptimizeForm
            modelId={data.id}
            dynamicDims={dynamicDims}
            unavailableReason={optimizeUnavailableReason(data)}
            onStarted={(job) => navigate(`/jobs/${job.id}`)}
          />
        </aside>
      </div>
    </div>
  );
}

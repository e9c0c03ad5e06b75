import { lazy, Suspense, useState } from "react";
import { Link, useNavigate, useParams } from "react-router";
import { useScrollToHash } from "../components/useScrollToHash";
import {
  isModelInspecting,
  recommendationsOf,
  useModel,
  useModelDeployments,
  useModelJobs,
  useModelVersion,
  useModelVersions,
} from "../api/queries";
import { EmptyState } from "../components/StateViews";
import { StatusBadge } from "../components/StatusBadge";
import { formatSpeedup } from "../format/numbers";
import type { ModelDetail } from "../api/types";
import { ErrorState, LoadingState } from "../components/StateViews";
import { formatBytes, formatDateTime } from "../format/numbers";
import { ExampleInputsSection } from "./ExampleInputsSection";
import { TokenizerSection } from "./TokenizerSection";
import { NodeCountsTable } from "./NodeCountsTable";
import { OptimizeForm } from "./OptimizeForm";
import { DeleteModelSection, EditModelForm } from "./ModelSettings";
import { SignatureTable } from "./SignatureTable";
import { DEFAULT_PREPROCESSING, describePreprocessing, findImageInput } from "../deployments/preprocessing";
import { describeLabels } from "../deployments/labels";
import { latestJobPerVersion } from "../jobs/compare";
import { PageTitle } from "../components/PageTitle";
import { ResponsiveTable } from "../components/ResponsiveTable";

function optimizeUnavailableReason(model: ModelDetail): string | null {
  if (!model.latest_version) return "There is no version to optimize.";
  if (isModelInspecting(model)) return "Available once inspection finishes.";
  if (model.latest_version.status === "failed") return "This version could not be inspected.";
  return null;
}

function ModelFacts({ model }: { model: ModelDetail }) {
  const version = model.latest_version;
  const imageInput = findImageInput(model.signature?.inputs ?? [], null);
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
        <dt>Storage address</dt>
        <dd className="mono break" data-testid="storage-address">
          {version?.source_uri || version?.storage_key || "—"}
        </dd>
      </div>
      <div>
        <dt>Owner</dt>
        <dd>{model.owner}</dd>
      </div>
      <div>
        <dt>Registered</dt>
        <dd>{formatDateTime(model.created_at)}</dd>
      </div>
      {(model.preprocessing || imageInput) && (
        <div>
          <dt>Image preprocessing</dt>
          <dd data-testid="model-preprocessing">
            {model.preprocessing
              ? describePreprocessing(model.preprocessing)
              : `none saved; a picture gets the defaults: ${describePreprocessing({
                  ...DEFAULT_PREPROCESSING,
                  layout: imageInput!.geometry.layout,
                })}`}
          </dd>
        </div>
      )}
      {model.labels && (
        <div>
          <dt>Class labels</dt>
          <dd data-testid="model-labels" className="break">
            {describeLabels(model.labels)}
          </dd>
        </div>
      )}
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

// marked + DOMPurify load only when a card is shown.
const Markdown = lazy(() => import("../components/Markdown").then((module) => ({ default: module.Markdown })));

function VersionsTable({ modelId }: { modelId: number }) {
  const versions = useModelVersions(modelId);
  if (versions.isPending) return <LoadingState label="Loading versions…" />;
  if (versions.isError) return <ErrorState error={versions.error} onRetry={() => void versions.refetch()} />;
  const rows = versions.data.results;
  if (rows.length === 0) return <EmptyState>No versions stored.</EmptyState>;
  return (
    <ResponsiveTable testId="versions-table" caption="Versions">
      <thead>
        <tr>
          <th scope="col">Version</th>
          <th scope="col">Status</th>
          <th scope="col">Format</th>
          <th scope="col" className="number">Size</th>
          <th scope="col">From</th>
          <th scope="col">Created</th>
          <th scope="col">File</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((version) => (
          <tr key={version.id} data-testid="version-row">
            <th scope="row">v{version.number}</th>
            <td>
              <StatusBadge status={version.status ?? "ready"} />
            </td>
            <td>{version.format ?? "—"}</td>
            <td className="number">{formatBytes(version.size_bytes)}</td>
            <td>
              {version.lineage?.source_job ? (
                <Link to={`/jobs/${version.lineage.source_job}`}>job #{version.lineage.source_job}</Link>
              ) : (
                version.source ?? "upload"
              )}
            </td>
            <td>{formatDateTime(version.created_at)}</td>
            <td>
              <a href={`/api/v1/models/${modelId}/versions/${version.number}/download/`} download>
                Download
              </a>
            </td>
          </tr>
        ))}
      </tbody>
    </ResponsiveTable>
  );
}

function ModelJobs({ modelId }: { modelId: number }) {
  const jobs = useModelJobs(modelId);
  if (jobs.isPending) return <LoadingState label="Loading jobs…" />;
  if (jobs.isError) return <ErrorState error={jobs.error} onRetry={() => void jobs.refetch()} />;
  if (jobs.data.length === 0) return <EmptyState>No optimization jobs yet. Start one with Optimize.</EmptyState>;
  // The latest succeeded job of each version, side by side: did the new version get faster?
  const perVersion = latestJobPerVersion(jobs.data);
  return (
    <>
    {perVersion.length >= 2 && (
      <p>
        <Link to={`/compare?jobs=${perVersion.map((job) => job.id).join(",")}`} data-testid="compare-versions">
          Compare versions ({perVersion.map((job) => `v${job.model_version}`).join(", ")})
        </Link>
      </p>
    )}
    <ResponsiveTable testId="model-jobs" caption="Jobs of this model">
      <thead>
        <tr>
          <th scope="col">Job</th>
          <th scope="col">Recipe</th>
          <th scope="col">Status</th>
          <th scope="col" className="number">Speed-up</th>
          <th scope="col">Created</th>
          <th scope="col">Deploy</th>
        </tr>
      </thead>
      <tbody>
        {jobs.data.map((job) => {
          const speedup = (job.report as { overall?: { speedup?: unknown } } | null)?.overall?.speedup;
          return (
            <tr key={job.id} data-testid="model-job-row">
              <th scope="row">
                <Link to={`/jobs/${job.id}`}>#{job.id}</Link>
              </th>
              <td>{job.recipe}</td>
              <td>
                <StatusBadge status={job.status} />
              </td>
              <td className="number">{formatSpeedup(speedup)}</td>
              <td>{formatDateTime(job.created_at)}</td>
              <td>{job.status === "succeeded" ? <Link to={`/jobs/${job.id}#deploy`}>Deploy job #{job.id}</Link> : "—"}</td>
            </tr>
          );
        })}
      </tbody>
    </ResponsiveTable>
    </>
  );
}

function ModelDeployments({ modelId }: { modelId: number }) {
  const deployments = useModelDeployments(modelId);
  if (deployments.isPending) return <LoadingState label="Loading deployments…" />;
  if (deployments.isError)
    return <ErrorState error={deployments.error} onRetry={() => void deployments.refetch()} />;
  if (deployments.data.length === 0)
    return <EmptyState>Not deployed. Deploy a succeeded job from its report.</EmptyState>;
  return (
    <ul className="plain-list" data-testid="model-deployments">
      {deployments.data.map((deployment) => (
        <li key={deployment.id}>
          <Link to={`/deployments/${deployment.id}`}>{deployment.name}</Link> <StatusBadge status={deployment.status} />{" "}
          <code className="break small">{deployment.endpoint_url}</code>
        </li>
      ))}
    </ul>
  );
}

export function ModelDetailPage() {
  const modelId = Number(useParams().modelId);
  const navigate = useNavigate();
  const model = useModel(modelId);
  const version = useModelVersion(modelId, model.data?.latest_version?.status === "ready" ? model.data.latest_version.number : undefined);
  const [editing, setEditing] = useState(false);
  useScrollToHash(model.isSuccess);

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
      <div className="title-row">
        <h1 data-testid="model-name">{data.name}</h1>
        {/* The API refuses edits from anyone else (403); the controls are not offered to them. */}
        {data.can_edit && !editing && (
          <button type="button" onClick={() => setEditing(true)} data-testid="edit-model">
            Edit model
          </button>
        )}
      </div>
      {editing && <EditModelForm model={data} onDone={() => setEditing(false)} />}
      {data.description && <p>{data.description}</p>}
      {data.tags.length > 0 && (
        <ul className="tags" aria-label="Tags" data-testid="model-tags">
          {data.tags.map((tag) => (
            <li key={tag}>
              <Link to={`/models?tag=${encodeURIComponent(tag)}`}>{tag}</Link>
            </li>
          ))}
        </ul>
      )}
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
          {data.latest_version && (
            <section aria-labelledby="examples-title" id="examples" tabIndex={-1}>
              <h2 id="examples-title">Example inputs</h2>
              <ExampleInputsSection
                modelId={data.id}
                versionNumber={data.latest_version.number}
                examples={data.latest_version.example_inputs}
                canEdit={data.can_edit}
                unavailableReason={
                  data.latest_version.status === "ready" ? null : "Example inputs can be attached once inspection finishes."
                }
              />
            </section>
          )}
          {data.latest_version &&
            (data.latest_version.tokenizer ||
              (signature?.inputs ?? []).some((input) => input.dtype === "int64" || input.dtype === "int32")) && (
              <section aria-labelledby="tokenizer-title" id="tokenizer" tabIndex={-1}>
                <h2 id="tokenizer-title">Tokenizer</h2>
                <TokenizerSection
                  modelId={data.id}
                  versionNumber={data.latest_version.number}
                  tokenizer={data.latest_version.tokenizer}
                  canEdit={data.can_edit}
                  unavailableReason={
                    data.latest_version.status === "ready" ? null : "A tokenizer can be attached once inspection finishes."
                  }
                />
              </section>
            )}
          <section aria-labelledby="card-title">
            <h2 id="card-title">Model card</h2>
            {data.card.trim() ? (
              <Suspense fallback={<LoadingState label="Rendering the card…" />}>
                <Markdown source={data.card} testId="model-card" />
              </Suspense>
            ) : (
              <EmptyState>
                <p>
                  No model card.{" "}
                  {data.can_edit
                    ? "Edit the model to write one in Markdown."
                    : "Its owner can add one (API: card, CLI: --card)."}
                </p>
              </EmptyState>
            )}
          </section>
          <section aria-labelledby="versions-title" id="versions" tabIndex={-1}>
            <h2 id="versions-title">Versions</h2>
            <VersionsTable modelId={data.id} />
          </section>
          <section aria-labelledby="jobs-title" id="jobs" tabIndex={-1}>
            <h2 id="jobs-title">Jobs</h2>
            <ModelJobs modelId={data.id} />
          </section>
          <section aria-labelledby="deployments-title" id="deploy" tabIndex={-1}>
            <h2 id="deployments-title">Deployments</h2>
            <ModelDeployments modelId={data.id} />
          </section>
          {data.can_edit && (
            <section aria-label="Delete" id="delete" tabIndex={-1}>
              <DeleteModelSection model={data} />
            </section>
          )}
        </div>
        <aside className="side" id="optimize">
          <OptimizeForm
            modelId={data.id}
            dynamicDims={dynamicDims}
            recommendations={recommendationsOf(version.data?.inspection)}
            recommendationsLoading={version.isLoading}
            unavailableReason={optimizeUnavailableReason(data)}
            onStarted={(job) => navigate(`/jobs/${job.id}`)}
          />
        </aside>
      </div>
    </div>
  );
}

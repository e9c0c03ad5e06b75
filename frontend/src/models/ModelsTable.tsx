import { Link } from "react-router";
import type { Model } from "../api/types";
import { StatusBadge } from "../components/StatusBadge";
import { formatBytes, formatDateTime, formatSpeedup } from "../format/numbers";
import { ResponsiveTable } from "../components/ResponsiveTable";

/** PAI's ModelHub groups models by whose they are: mine, my team's, or official. */
export function ownershipOf(model: Pick<Model, "visibility" | "owner">, me: string | undefined): string {
  if (model.visibility === "official") return "official";
  if (me && model.owner === me) return "mine";
  return "team";
}

export type SortKey = "name" | "updated_at";

function SortHeader({
  field,
  label,
  ordering,
  onSort,
}: {
  field: SortKey;
  label: string;
  ordering: string;
  onSort: (ordering: string) => void;
}) {
  const current = ordering === field ? "ascending" : ordering === `-${field}` ? "descending" : "none";
  // First click sorts names A→Z and dates newest first: what a user usually wants.
  const next = current === "none" ? (field === "name" ? field : `-${field}`) : current === "ascending" ? `-${field}` : field;
  return (
    <th scope="col" aria-sort={current}>
      <button type="button" className="sort-button" onClick={() => onSort(next)} data-testid={`sort-${field}`}>
        {label}
        <span aria-hidden="true">{current === "ascending" ? " ▲" : current === "descending" ? " ▼" : " ↕"}</span>
      </button>
    </th>
  );
}

function downloadHref(model: Model): string | null {
  return model.latest_version ? `/api/v1/models/${model.id}/versions/${model.latest_version.number}/download/` : null;
}

export function ModelsTable({
  models,
  me,
  ordering,
  onSort,
}: {
  models: Model[];
  me: string | undefined;
  ordering: string;
  onSort: (ordering: string) => void;
}) {
  return (
    <ResponsiveTable testId="models-table" className="models-table" caption="Registered models">
      <thead>
        <tr>
          <SortHeader field="name" label="Name" ordering={ordering} onSort={onSort} />
          <th scope="col">Latest job</th>
          <th scope="col" className="number">Best speed-up</th>
          <th scope="col" className="number">Size</th>
          <th scope="col">Source</th>
          <th scope="col">Description</th>
          <SortHeader field="updated_at" label="Updated" ordering={ordering} onSort={onSort} />
          <th scope="col">Actions</th>
        </tr>
      </thead>
      <tbody>
        {models.map((model) => {
          const href = downloadHref(model);
          const status = model.latest_version?.status;
          return (
            <tr key={model.id} data-testid="model-row">
              <td>
                <Link to={`/models/${model.id}`} data-testid="model-name-link">
                  {model.name}
                </Link>
                <div className="muted small" data-testid="model-version-format">
                  {model.latest_version ? `v${model.latest_version.number}` : "no version"}
                  {frameworkOf(model) && ` · ${frameworkOf(model)}`}
                  {status && status !== "ready" && (
                    <>
                      {" "}
                      <StatusBadge status={status} />
                    </>
                  )}
                </div>
                {model.tags.length > 0 && (
                  <ul className="tags" aria-label="Tags">
                    {model.tags.map((tag) => (
                      <li key={tag}>{tag}</li>
                    ))}
                  </ul>
                )}
              </td>
              <td data-testid="model-latest-job">
                <LatestJob model={model} />
              </td>
              <td className="number" data-testid="model-best-job">
                {model.best_job ? (
                  <Link to={`/jobs/${model.best_job.id}`} aria-label={`Best job of ${model.name}: job ${model.best_job.id}`}>
                    {formatSpeedup(model.best_job.speedup)}
                  </Link>
                ) : (
                  <span className="muted">—</span>
                )}
              </td>
              <td className="number" data-testid="model-size">
                {formatBytes(model.latest_version?.size_bytes)}
              </td>
              <td data-testid="model-source">
                {ownershipOf(model, me)}
                <div className="muted small">{model.owner}</div>
              </td>
              <td className="detail">
                <div className="clamp">{model.description || "—"}</div>
                <div className="small storage-address" data-testid="model-storage" title="Where the file is stored">
                  {storageAddress(model.latest_version)}
                </div>
              </td>
              <td>
                <time dateTime={model.updated_at} title={formatDateTime(model.updated_at)}>
                  {formatDate(model.updated_at)}
                </time>
              </td>
              <td>
                <div className="row-actions">
                  <Link to={`/models/${model.id}#optimize`} aria-label={`Optimize ${model.name}`}>
                    Optimize
                  </Link>
                  <Link to={`/models/${model.id}#deploy`} aria-label={`Deploy ${model.name}`}>
                    Deploy
                  </Link>
                  <details className="more-menu">
                    <summary aria-label={`More actions for ${model.name}`}>More</summary>
                    <ul>
                      <li>
                        <Link to={`/models/${model.id}#versions`}>Versions</Link>
                      </li>
                      <li>
                        <Link to={`/models/${model.id}#jobs`}>Jobs</Link>
                      </li>
                      {href && (
                        <li>
                          <a href={href} download>
                            Download v{model.latest_version?.number}
                          </a>
                        </li>
                      )}
                    </ul>
                  </details>
                </div>
              </td>
            </tr>
          );
        })}
      </tbody>
    </ResponsiveTable>
  );
}

/**
 * The framework and file format, shown under the name rather than in a column of their own: at
 * 1440 px the list shares the page with the upload form, and every column it keeps must fit.
 */
function frameworkOf(model: Model): string {
  const framework = model.framework || model.latest_version?.framework || "";
  const format = model.format || model.latest_version?.format || "";
  return format && format !== framework ? [framework, format].filter(Boolean).join(" ") : framework;
}

/** The newest job you can see on the model: its status, and its headline speed-up once it succeeded. */
function LatestJob({ model }: { model: Model }) {
  const job = model.latest_job;
  if (!job) return <span className="muted">none yet</span>;
  return (
    <Link to={`/jobs/${job.id}`} className="latest-job" aria-label={`Job ${job.id} of ${model.name}: ${job.status}`}>
      <StatusBadge status={job.status} />
      {job.speedup != null && <span className="speedup"> {formatSpeedup(job.speedup)}</span>}
    </Link>
  );
}

function formatDate(value: string): string {
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? value : date.toLocaleDateString("en-GB", { dateStyle: "medium" });
}

/** Where the model's file lives: the URI it was registered from, else its key in the ModelHub's store. */
function storageAddress(version: { storage_key?: string; source_uri?: string } | null | undefined): string {
  if (!version) return "—";
  return version.source_uri || version.storage_key || "—";
}

import { useState, type FormEvent } from "react";
import { Link, useSearchParams } from "react-router";
import { useJobs, type JobFilters } from "../api/queries";
import type { Job } from "../api/types";
import { PagedQueryView } from "../components/PagedQueryView";
import { StatusBadge } from "../components/StatusBadge";
import { formatDateTime, formatSeconds, formatSpeedup } from "../format/numbers";
import { MAX_COMPARED } from "./compare";
import { asReport } from "./report";
import { PageTitle } from "../components/PageTitle";
import { ResponsiveTable } from "../components/ResponsiveTable";

const STATUSES = ["queued", "running", "succeeded", "failed", "cancelled"];
const RECIPES = ["auto", "lossless", "int8", "bf16"];

// URL parameter for each filter: the page's address is the view, to bookmark or share.
const PARAMS: Record<Exclude<keyof JobFilters, "page">, string> = {
  status: "status",
  recipe: "recipe",
  model: "model",
  owner: "owner",
  createdAfter: "created_after",
  createdBefore: "created_before",
};

function filtersFromParams(params: URLSearchParams): JobFilters {
  const page = Number(params.get("page"));
  const filters = { page: Number.isInteger(page) && page > 0 ? page : 1 } as JobFilters;
  for (const [key, name] of Object.entries(PARAMS)) filters[key as keyof typeof PARAMS] = params.get(name) ?? "";
  return filters;
}

function paramsFromFilters(filters: JobFilters): URLSearchParams {
  const params = new URLSearchParams();
  for (const [key, name] of Object.entries(PARAMS)) {
    const value = filters[key as keyof typeof PARAMS];
    if (value) params.set(name, value);
  }
  if (filters.page > 1) params.set("page", String(filters.page));
  return params;
}

/** Wall-clock time the job ran: start to finish, or start to now while it runs. */
export function jobDuration(job: Pick<Job, "started_at" | "finished_at" | "status">, now = Date.now()): string {
  if (!job.started_at) return job.status === "queued" ? "waiting" : "—";
  const end = job.finished_at ? Date.parse(job.finished_at) : job.status === "running" ? now : NaN;
  return formatSeconds((end - Date.parse(job.started_at)) / 1000);
}

/** The first line of a failure, which says what went wrong; the job page has the rest. */
function failureReason(job: Job): string {
  if (job.status !== "failed" && job.status !== "cancelled") return "";
  const first = (job.error || "").trim().split("\n")[0] ?? "";
  return first.length > 140 ? `${first.slice(0, 139)}…` : first;
}

export function JobsPage() {
  const [params, setParams] = useSearchParams();
  const filters = filtersFromParams(params);
  const [ownerDraft, setOwnerDraft] = useState(filters.owner);
  const jobs = useJobs(filters);

  function update(change: Partial<JobFilters>) {
    setParams(paramsFromFilters({ ...filters, page: 1, ...change }));
  }

  function submitOwner(event: FormEvent) {
    event.preventDefault();
    update({ owner: ownerDraft.trim() });
  }

  const modelName = filters.model ? jobs.data?.results[0]?.model_name : undefined;
  // Jobs ticked for comparison; kept across pages and filters, so jobs of two models can be picked.
  const [selected, setSelected] = useState<number[]>([]);
  const toggle = (id: number) =>
    setSelected((now) => (now.includes(id) ? now.filter((other) => other !== id) : [...now, id].slice(-MAX_COMPARED)));
  const filtered = Object.keys(PARAMS).some((key) => filters[key as keyof typeof PARAMS]);

  return (
    <div className="page jobs-page">
      <PageTitle title="Jobs" />
      <h1>Optimization jobs</h1>
      <form className="filters" aria-label="Filters" onSubmit={submitOwner} data-testid="job-filters">
        <div className="filter">
          <label htmlFor="job-status">Status</label>
          <select id="job-status" value={filters.status} onChange={(event) => update({ status: event.target.value })}>
            <option value="">Any</option>
            {STATUSES.map((status) => (
              <option key={status} value={status}>
                {status}
              </option>
            ))}
          </select>
        </div>
        <div className="filter">
          <label htmlFor="job-recipe">Recipe</label>
          <select id="job-recipe" value={filters.recipe} onChange={(event) => update({ recipe: event.target.value })}>
            <option value="">Any</option>
            {RECIPES.map((recipe) => (
              <option key={recipe} value={recipe}>
                {recipe}
              </option>
            ))}
          </select>
        </div>
        <div className="filter">
          <label htmlFor="job-owner">Owner</label>
          <input
            id="job-owner"
            value={ownerDraft}
            placeholder="username"
            onChange={(event) => setOwnerDraft(event.target.value)}
            onBlur={() => ownerDraft.trim() !== filters.owner && update({ owner: ownerDraft.trim() })}
          />
        </div>
        <div className="filter">
          <label htmlFor="job-after">Created from</label>
          <input
            id="job-after"
            type="date"
            value={filters.createdAfter}
            onChange={(event) => update({ createdAfter: event.target.value })}
          />
        </div>
        <div className="filter">
          <label htmlFor="job-before">Created until</label>
          <input
            id="job-before"
            type="date"
            value={filters.createdBefore}
            onChange={(event) => update({ createdBefore: event.target.value })}
          />
        </div>
        {filters.model && (
          <p className="filter-chip" data-testid="job-model-filter">
            Model: {modelName ?? `#${filters.model}`}{" "}
            <button type="button" onClick={() => update({ model: "" })} aria-label="Show jobs of every model">
              ×
            </button>
          </p>
        )}
        {filtered && (
          <button
            type="button"
            onClick={() => {
              setOwnerDraft("");
              setParams(new URLSearchParams());
            }}
          >
            Clear filters
          </button>
        )}
        <button type="submit" className="visually-hidden" tabIndex={-1}>
          Apply
        </button>
      </form>
      <div className="compare-bar" data-testid="compare-bar">
        {selected.length === 0 ? (
          <span className="muted small">Tick two or more jobs to compare them side by side.</span>
        ) : (
          <>
            <span>
              {selected.length} selected: {selected.map((id) => `#${id}`).join(", ")}
            </span>
            {selected.length >= 2 ? (
              <Link className="button" to={`/compare?jobs=${selected.join(",")}`} data-testid="compare-link">
                Compare {selected.length} jobs
              </Link>
            ) : (
              <span className="muted small">pick one more</span>
            )}
            <button type="button" className="link-button" onClick={() => setSelected([])}>
              Clear selection
            </button>
          </>
        )}
      </div>
      <PagedQueryView
        query={jobs}
        page={filters.page}
        onPage={(page) => setParams(paramsFromFilters({ ...filters, page }))}
        loadingLabel="Loading jobs…"
        empty={
          filtered ? (
            <p>No job matches these filters.</p>
          ) : (
            <p>
              No optimizations yet. Open a <Link to="/models">model</Link> and press Optimize.
            </p>
          )
        }
      >
        {(results) => (
          <ResponsiveTable testId="jobs-table" className="jobs-table" caption="Optimization jobs">
            <thead>
              <tr>
                <th scope="col">
                  <span className="visually-hidden">Compare</span>
                </th>
                <th scope="col">Job</th>
                <th scope="col">Model</th>
                <th scope="col">Recipe</th>
                <th scope="col">Status</th>
                <th scope="col" className="number">
                  Speed-up
                </th>
                <th scope="col">Owner</th>
                <th scope="col" className="number">
                  Duration
                </th>
                <th scope="col">Created</th>
              </tr>
            </thead>
            <tbody>
              {results.map((job) => {
                const reason = failureReason(job);
                return (
                  <tr key={job.id} data-testid="job-row">
                    <td>
                      <input
                        type="checkbox"
                        checked={selected.includes(job.id)}
                        onChange={() => toggle(job.id)}
                        aria-label={`Compare job #${job.id}`}
                      />
                    </td>
                    <td>
                      <Link to={`/jobs/${job.id}`}>#{job.id}</Link>
                    </td>
                    <td className="job-model">
                      <Link to={`/models/${job.model}`}>{job.model_name}</Link>
                      <span className="muted small"> v{job.model_version}</span>{" "}
                      {filters.model !== String(job.model) && (
                        <button
                          type="button"
                          className="link-button small"
                          onClick={() => update({ model: String(job.model) })}
                          aria-label={`Only jobs of ${job.model_name}`}
                        >
                          only this
                        </button>
                      )}
                    </td>
                    <td>{job.recipe}</td>
                    <td data-testid="job-status">
                      <StatusBadge status={job.status} /> {job.status === "running" ? `${job.progress}%` : ""}
                      {reason && (
                        <div className="small bad-text failure-reason" title={job.error} data-testid="job-failure">
                          {reason}
                        </div>
                      )}
                    </td>
                    <td className="number">{formatSpeedup(asReport(job.report)?.overall?.speedup)}</td>
                    <td>{job.owner}</td>
                    <td className="number" data-testid="job-duration">
                      {jobDuration(job)}
                    </td>
                    <td>{formatDateTime(job.created_at)}</td>
                  </tr>
                );
              })}
            </tbody>
          </ResponsiveTable>
        )}
      </PagedQueryView>
    </div>
  );
}

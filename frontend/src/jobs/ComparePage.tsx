import { useState, type FormEvent, type ReactNode } from "react";
import { Link, useSearchParams } from "react-router";
import { useJobsById } from "../api/queries";
import type { Job } from "../api/types";
import { PageTitle } from "../components/PageTitle";
import { StatusBadge } from "../components/StatusBadge";
import { MISSING, formatCount, formatMs, formatRatio, formatSpeedup, humanize } from "../format/numbers";
import { MAX_COMPARED, compared, parseJobIds, unionKeys, type ComparedJob } from "./compare";
import { ResponsiveTable } from "../components/ResponsiveTable";

type Column = { id: number; job: Job | undefined; data: ComparedJob | null; error: Error | null; pending: boolean };

function RowGroup({ title, children }: { title: string; children: ReactNode }) {
  return (
    <tbody>
      <tr className="group-row">
        <th scope="rowgroup" colSpan={100}>
          {title}
        </th>
      </tr>
      {children}
    </tbody>
  );
}

/** One row: a label, then one cell per job; `best` marks the column(s) holding the best value. */
function Row({ label, cells, testId }: { label: ReactNode; cells: ReactNode[]; testId?: string }) {
  return (
    <tr data-testid={testId}>
      <th scope="row">{label}</th>
      {cells.map((cell, index) => (
        <td key={index}>{cell}</td>
      ))}
    </tr>
  );
}

function best(values: (number | null)[], higher: boolean): number | null {
  const present = values.filter((value): value is number => value !== null);
  if (present.length < 2) return null;
  return higher ? Math.max(...present) : Math.min(...present);
}

function Marked({ value, top, text }: { value: number | null; top: number | null; text: string }) {
  return value !== null && value === top ? (
    <strong className="best" title="best of the compared jobs">
      {text} ★
    </strong>
  ) : (
    <>{text}</>
  );
}

function CompareTable({ columns }: { columns: Column[] }) {
  const data = columns.map((column) => column.data);
  const speedups = data.map((entry) => entry?.speedup ?? null);
  const topSpeedup = best(speedups, true);
  const shapeSets = data.map((entry) => entry?.shapeSetSpeedup ?? null);
  const topShapeSet = best(shapeSets, true);
  const shapeKeys = unionKeys(data.map((entry) => entry?.shapes));
  const kernelKeys = unionKeys(data.map((entry) => entry?.kernels));
  const outputKeys = unionKeys(data.map((entry) => entry?.outputs));
  return (
    <ResponsiveTable testId="compare-table" className="compare-table compact">
      <thead>
        <tr>
          <th scope="col">
            <span className="visually-hidden">What</span>
          </th>
          {columns.map((column) => (
            <th scope="col" key={column.id} data-testid="compare-column" data-label={`Job #${column.id}`}>
              <Link to={`/jobs/${column.id}`}>Job #{column.id}</Link>
              {column.job && (
                <div className="small muted compare-model">
                  {column.job.model_name} v{column.job.model_version} · {column.job.recipe}
                </div>
              )}
            </th>
          ))}
        </tr>
      </thead>
      <RowGroup title="Headline">
        <Row
          label="Status"
          cells={columns.map((column) =>
            column.error ? (
              <span className="bad-text">{column.error.message}</span>
            ) : column.pending ? (
              "loading…"
            ) : (
              <StatusBadge status={column.job?.status} />
            ),
          )}
        />
        <Row
          testId="compare-speedup"
          label="Speed-up at the primary shape"
          cells={data.map((entry) =>
            entry ? (
              <>
                <Marked value={entry.speedup} top={topSpeedup} text={formatSpeedup(entry.speedup)} />
                {entry.shape && <span className="muted small"> at {entry.shape}</span>}
              </>
            ) : (
              MISSING
            ),
          )}
        />
        <Row
          testId="compare-shape-set"
          label="Shape set (geometric mean)"
          cells={data.map((entry) =>
            entry ? (
              <>
                <Marked value={entry.shapeSetSpeedup} top={topShapeSet} text={formatSpeedup(entry.shapeSetSpeedup)} />
                {entry.shapeSet.length > 0 && <span className="muted small"> over {entry.shapeSet.join(", ")}</span>}
              </>
            ) : (
              MISSING
            ),
          )}
        />
        <Row
          label="Baseline → optimized"
          cells={data.map((entry) => (entry ? `${formatMs(entry.baselineMs)} → ${formatMs(entry.optimizedMs)}` : MISSING))}
        />
        <Row
          testId="compare-shipped"
          label="Ships"
          cells={data.map((entry) =>
            entry?.shipped ? (
              <>
                <span className="chip chip-default">{entry.shipped}</span>
                {entry.routes.map((route) => (
                  <div key={route} className="small">
                    routes {route}
                  </div>
                ))}
              </>
            ) : (
              MISSING
            ),
          )}
        />
        <Row
          testId="compare-accuracy"
          label="Accuracy"
          cells={data.map((entry) =>
            entry?.accuracy ? (
              <>
                {entry.accuracy.passes !== null && <StatusBadge status={entry.accuracy.passes ? "passed" : "failed"} />}{" "}
                {entry.accuracy.metric ?? "metric"} {formatRatio(entry.accuracy.value, 6)}
                <span className="muted small"> (budget {formatRatio(entry.accuracy.budget)})</span>
              </>
            ) : (
              MISSING
            ),
          )}
        />
      </RowGroup>
      {shapeKeys.length > 0 && (
        <RowGroup title="Latency per shape (optimized, p50)">
          {shapeKeys.map((key) => {
            const values = data.map((entry) => entry?.shapes.get(key) ?? null);
            const top = best(values.map((value) => value?.optimizedMs ?? null), false);
            return (
              <Row
                key={key}
                testId="compare-shape-row"
                label={key}
                cells={values.map((value) =>
                  value ? (
                    <>
                      <Marked value={value.optimizedMs} top={top} text={formatMs(value.optimizedMs)} />
                      <span className="muted small">
                        {" "}
                        ({formatSpeedup(value.speedup)} of {formatMs(value.baselineMs)})
                      </span>
                    </>
                  ) : (
                    "not measured"
                  ),
                )}
              />
            );
          })}
        </RowGroup>
      )}
      {outputKeys.length > 0 && (
        <RowGroup title="Accuracy per output">
          {outputKeys.map((key) => (
            <Row
              key={key}
              label={key}
              cells={data.map((entry) => {
                const verdict = entry?.outputs.get(key);
                if (!verdict) return MISSING;
                return (
                  <>
                    {verdict.passes !== null && <StatusBadge status={verdict.passes ? "passed" : "failed"} />}{" "}
                    <span className="small">
                      {verdict.kind ? `${verdict.kind.replace("_", " ")}, ` : ""}cosine {formatRatio(verdict.cosine, 6)}
                    </span>
                  </>
                );
              })}
            />
          ))}
        </RowGroup>
      )}
      {kernelKeys.length > 0 && (
        <RowGroup title="Kernels by category (before → after)">
          {kernelKeys.map((key) => (
            <Row
              key={key}
              testId="compare-kernel-row"
              label={humanize(key)}
              cells={data.map((entry) => {
                const counts = entry?.kernels.get(key);
                return counts ? `${formatCount(counts.before)} → ${formatCount(counts.after)}` : MISSING;
              })}
            />
          ))}
        </RowGroup>
      )}
    </ResponsiveTable>
  );
}

function AddJob({ onAdd }: { onAdd: (id: number) => void }) {
  const [draft, setDraft] = useState("");
  function submit(event: FormEvent) {
    event.preventDefault();
    const id = Number(draft.replace(/^#/, ""));
    if (Number.isInteger(id) && id > 0) {
      onAdd(id);
      setDraft("");
    }
  }
  return (
    <form className="search-form" onSubmit={submit} aria-label="Add a job to the comparison">
      <label htmlFor="compare-add">Add job</label>
      <input id="compare-add" inputMode="numeric" placeholder="job number, e.g. 12" value={draft} onChange={(event) => setDraft(event.target.value)} />
      <button type="submit">Add</button>
    </form>
  );
}

/**
 * Two or more jobs side by side. The selection lives in the URL (`/compare?jobs=12,15`), so the
 * page is a link that can be shared; each job is read with the jobs API, one request per job.
 */
export function ComparePage() {
  const [params, setParams] = useSearchParams();
  const ids = parseJobIds(params.get("jobs"));
  const queries = useJobsById(ids);
  const setIds = (next: number[]) => setParams(next.length ? { jobs: next.join(",") } : {});
  const columns: Column[] = ids.map((id, index) => {
    const query = queries[index]!;
    return {
      id,
      job: query.data,
      data: query.data ? compared(query.data) : null,
      error: query.error,
      pending: query.isPending,
    };
  });
  return (
    <div className="page compare-page">
      <PageTitle title={ids.length ? `Compare jobs ${ids.map((id) => `#${id}`).join(", ")}` : "Compare jobs"} />
      <p className="breadcrumbs">
        <Link to="/jobs">Jobs</Link> / compare
      </p>
      <h1>Compare jobs</h1>
      {ids.length < 2 && (
        <p className="muted" data-testid="compare-hint">
          Pick two or more jobs: tick them in the <Link to="/jobs">jobs list</Link>, use “Compare versions” on a model's
          page, or add job numbers below.
        </p>
      )}
      <AddJob onAdd={(id) => !ids.includes(id) && setIds([...ids, id].slice(0, MAX_COMPARED))} />
      {ids.length > 0 && (
        <>
          <ul className="tags compare-selection" aria-label="Compared jobs">
            {ids.map((id) => (
              <li key={id}>
                #{id}{" "}
                <button type="button" className="link-button" aria-label={`Remove job #${id} from the comparison`} onClick={() => setIds(ids.filter((other) => other !== id))}>
                  ×
                </button>
              </li>
            ))}
          </ul>
          <CompareTable columns={columns} />
          {columns.some((column) => column.job && !column.data && !column.error) && (
            <p className="muted small">A job without a report (still running, failed or cancelled) shows only its status.</p>
          )}
        </>
      )}
    </div>
  );
}

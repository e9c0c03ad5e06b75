import { CandidatePlot } from "./CandidatePlot";
import { LatencyChart } from "./LatencyChart";
import { OutputAccuracyTable } from "./OutputAccuracyTable";
import { PercentileChart } from "./PercentileChart";
import { ShippedVariantView } from "./ShippedVariant";
import type { ReactNode } from "react";
import { KeyValueList } from "../components/KeyValueList";
import { StatusBadge } from "../components/StatusBadge";
import {
  MISSING,
  formatCount,
  formatMs,
  formatRatio,
  formatSpeedup,
  formatValue,
  humanize,
  isNumber,
} from "../format/numbers";
import {
  asList,
  asRecord,
  headline,
  latencyPercentiles,
  shippedVariant,
  type AccuracyReport,
  type CandidateEntry,
  type KernelCounts,
  type OptimizationEntry,
  type OptimizationReport,
  type ShapeEntry,
} from "./report";
import { ResponsiveTable } from "../components/ResponsiveTable";

/**
 * A report section that folds: the summary line says what is inside, so the page stays short and
 * the long tables are one click away (a #hash link to a section opens it, see useScrollToHash).
 */
function ReportSection({
  id,
  title,
  summary,
  open = true,
  children,
}: {
  id: string;
  title: string;
  summary?: string;
  open?: boolean;
  children: ReactNode;
}) {
  return (
    <section aria-labelledby={id} className="report-section">
      <details open={open} data-testid={`section-${id}`}>
        <summary>
          <h3 id={id}>{title}</h3>
          {summary && <span className="muted small section-summary">{summary}</span>}
        </summary>
        {children}
      </details>
    </section>
  );
}

function countBy(values: string[]): string {
  const counts = new Map<string, number>();
  for (const value of values) counts.set(value, (counts.get(value) ?? 0) + 1);
  return [...counts].map(([value, count]) => `${count} ${value}`).join(", ");
}

export function OverallSummary({ report }: { report: OptimizationReport }) {
  const overall = report.overall ?? {};
  // The headline is measured at one shape, the primary one; the shape set's geometric mean is a
  // second figure, labelled with the shapes it covers, so gains at shapes the user did not ask
  // about never read as a gain at the one they did.
  const { speedup, shape, shapeSetSpeedup, shapeSet } = headline(report);
  const variant = shippedVariant(report);
  const at = shape ? ` (${shape})` : "";
  const routedElsewhere = overall.shipped_original === false;
  const verdict = !isNumber(speedup)
    ? "Speed-up not reported"
    : speedup > 1.0
      ? `${formatSpeedup(speedup)} faster`
      : routedElsewhere
        ? `No gain${shape ? ` at ${shape}` : ""}: other shapes are faster (see the shape set)`
        : "No gain: the original model ships";
  const gained = isNumber(speedup) && speedup > 1.0;
  return (
    <div className="overall" data-testid="overall">
      <p className={gained ? "overall-speedup" : "overall-speedup no-gain"} data-testid="overall-speedup">
        {verdict}
      </p>
      {shape && (
        <p className="muted" data-testid="overall-shape">
          measured at {shape}, the primary shape
        </p>
      )}
      <dl className="key-values">
        <div>
          <dt>Baseline{at}</dt>
          <dd data-testid="overall-baseline">{formatMs(overall.baseline_ms)}</dd>
        </div>
        <div>
          <dt>Optimized{at}</dt>
          <dd data-testid="overall-optimized">{formatMs(overall.optimized_ms)}</dd>
        </div>
        <div>
          <dt>Speed-up{at}</dt>
          <dd data-testid="overall-headline">{formatSpeedup(speedup)}</dd>
        </div>
        {isNumber(shapeSetSpeedup) && shapeSet.length > 1 && (
          <div>
            <dt>Shape set ({shapeSet.join(", ")})</dt>
            <dd data-testid="overall-shape-set-speedup">{formatSpeedup(shapeSetSpeedup)} geometric mean</dd>
          </div>
        )}
        {variant.defaultGraph !== null && (
          <div>
            <dt>Shipped</dt>
            <dd data-testid="overall-chosen">
              {variant.defaultGraph}
              {variant.routes.length > 0
                ? ` + ${variant.routes.length} routed shape${variant.routes.length === 1 ? "" : "s"}`
                : ""}
              {typeof overall.precision === "string" ? ` (${overall.precision})` : ""}
            </dd>
          </div>
        )}
      </dl>
      {report.diagnosis?.message && (
        <p className="diagnosis" data-testid="diagnosis">
          {report.diagnosis.message}
        </p>
      )}
    </div>
  );
}

export function OptimizationsTable({ entries }: { entries: OptimizationEntry[] }) {
  if (entries.length === 0) return <p className="muted">No optimizations reported.</p>;
  return (
    <ResponsiveTable testId="optimizations-table">
      <thead>
        <tr>
          <th scope="col">Optimization</th>
          <th scope="col">Status</th>
          <th scope="col">Shape</th>
          <th scope="col" className="number">
            Before
          </th>
          <th scope="col" className="number">
            After
          </th>
          <th scope="col" className="number">
            Speed-up
          </th>
          <th scope="col">Detail</th>
        </tr>
      </thead>
      <tbody>
        {entries.map((entry, index) => (
          <tr key={`${entry.name}-${index}`} data-testid="optimization-row">
            <th scope="row">{entry.name ?? MISSING}</th>
            <td>
              <StatusBadge status={entry.status} />
            </td>
            <td data-testid="optimization-shape">{typeof entry.shape === "string" ? entry.shape : MISSING}</td>
            <td className="number">{formatMs(entry.pre_run_ms)}</td>
            <td className="number">{formatMs(entry.post_run_ms)}</td>
            <td className="number">{formatSpeedup(entry.speedup)}</td>
            <td className="detail">{entry.detail || MISSING}</td>
          </tr>
        ))}
      </tbody>
    </ResponsiveTable>
  );
}

const KERNEL_CATEGORIES = ["compute", "memory", "data_movement", "other", "total"];
const KERNEL_LABELS: Record<string, string> = {
  compute: "Compute (Math)",
  memory: "Memory-bound (Mem)",
  data_movement: "Data movement (Cpy)",
  other: "Other",
  total: "Total",
};

/**
 * Rows of the FusionStitching-style table: the known categories in their order, then any
 * other numeric count the core adds later (so new categories show without a console change).
 */
export function kernelRowKeys(before: KernelCounts | null, after: KernelCounts | null): string[] {
  const numericKeys = new Set(
    [...Object.entries(before ?? {}), ...Object.entries(after ?? {})]
      .filter(([key, value]) => isNumber(value) && key !== "host_ms")
      .map(([key]) => key),
  );
  const known = KERNEL_CATEGORIES.filter((key) => numericKeys.has(key));
  const extra = [...numericKeys].filter((key) => !KERNEL_CATEGORIES.includes(key)).sort();
  return [...known, ...extra];
}

function kernelDelta(before: unknown, after: unknown): string {
  if (!isNumber(before) || !isNumber(after)) return MISSING;
  const delta = after - before;
  return delta === 0 ? "0" : `${delta > 0 ? "+" : "−"}${formatCount(Math.abs(delta))}`;
}

function categoryMs(counts: KernelCounts | null, key: string): unknown {
  return asRecord(counts?.time_ms)?.[key];
}

function KernelGraphNotes({ before, after }: { before: KernelCounts | null; after: KernelCounts | null }) {
  const notes = [
    ["Before", before],
    ["After", after],
  ] as const;
  return (
    <ul className="notes" data-testid="kernels-notes">
      {notes.map(([when, counts]) =>
        typeof counts?.error === "string" ? (
          <li key={when} className="bad-text">
            {when}: not measured ({counts.error})
          </li>
        ) : typeof counts?.graph === "string" ? (
          <li key={when}>
            {when}: {counts.graph}
          </li>
        ) : null,
      )}
    </ul>
  );
}

export function KernelsTable({ kernels }: { kernels: OptimizationReport["kernels"] }) {
  const before = asRecord(kernels?.before) as KernelCounts | null;
  const after = asRecord(kernels?.after) as KernelCounts | null;
  const keys = kernelRowKeys(before, after);
  if (keys.length === 0 && !before?.error && !after?.error) return <p className="muted">No kernel statistics reported.</p>;
  const hasTimes = Boolean(asRecord(before?.time_ms) || asRecord(after?.time_ms));
  const hasHost = isNumber(before?.host_ms) || isNumber(after?.host_ms);
  return (
    <>
      {keys.length > 0 && (
        <ResponsiveTable testId="kernels-table">
          <thead>
            <tr>
              <th scope="col">Category</th>
              <th scope="col" className="number">
                Kernels before
              </th>
              <th scope="col" className="number">
                Kernels after
              </th>
              <th scope="col" className="number">
                Change
              </th>
              {hasTimes && (
                <>
                  <th scope="col" className="number">
                    Time before
                  </th>
                  <th scope="col" className="number">
                    Time after
                  </th>
                </>
              )}
            </tr>
          </thead>
          <tbody>
            {keys.map((key) => (
              <tr key={key} data-testid={`kernels-row-${key}`}>
                <th scope="row">{KERNEL_LABELS[key] ?? humanize(key)}</th>
                <td className="number">{formatCount(before?.[key])}</td>
                <td className="number">{formatCount(after?.[key])}</td>
                <td className="number">{kernelDelta(before?.[key], after?.[key])}</td>
                {hasTimes && (
                  <>
                    <td className="number">{formatMs(categoryMs(before, key))}</td>
                    <td className="number">{formatMs(categoryMs(after, key))}</td>
                  </>
                )}
              </tr>
            ))}
            {hasTimes && hasHost && (
              <tr data-testid="kernels-row-host">
                <th scope="row">Host (outside kernels)</th>
                <td className="number">{MISSING}</td>
                <td className="number">{MISSING}</td>
                <td className="number">{MISSING}</td>
                <td className="number">{formatMs(before?.host_ms)}</td>
                <td className="number">{formatMs(after?.host_ms)}</td>
              </tr>
            )}
          </tbody>
        </ResponsiveTable>
      )}
      <KernelGraphNotes before={before} after={after} />
    </>
  );
}

export function accuracyMeetsBudget(accuracy: AccuracyReport): boolean | null {
  if (!isNumber(accuracy.value) || !isNumber(accuracy.budget)) return null;
  return accuracy.value >= accuracy.budget;
}

export function AccuracySummary({ accuracy }: { accuracy: AccuracyReport | null | undefined }) {
  if (!accuracy) return <p className="muted">No accuracy check reported.</p>;
  const meets = accuracyMeetsBudget(accuracy);
  return (
    <div data-testid="accuracy">
      {meets !== null && (
        <p data-testid="accuracy-verdict">
          <StatusBadge status={meets ? "passed" : "failed"} />{" "}
          {accuracy.metric ?? "metric"} {formatRatio(accuracy.value, 6)} {meets ? "meets" : "misses"} the budget{" "}
          {formatRatio(accuracy.budget)}
        </p>
      )}
      <dl className="key-values">
        <div>
          <dt>Metric</dt>
          <dd>{accuracy.metric ?? MISSING}</dd>
        </div>
        <div>
          <dt>Value</dt>
          <dd>{formatRatio(accuracy.value, 6)}</dd>
        </div>
        <div>
          <dt>Budget</dt>
          <dd>{formatRatio(accuracy.budget)}</dd>
        </div>
        <div>
          <dt>Cosine</dt>
          <dd>{formatRatio(accuracy.cosine, 6)}</dd>
        </div>
        <div>
          <dt>Max abs diff</dt>
          <dd>{isNumber(accuracy.max_abs_diff) ? accuracy.max_abs_diff.toExponential(2) : MISSING}</dd>
        </div>
        <div>
          <dt>Top-1 agreement</dt>
          <dd>{isNumber(accuracy.top1_agreement) ? `${(accuracy.top1_agreement * 100).toFixed(2)}%` : "n/a"}</dd>
        </div>
      </dl>
      <OutputAccuracyTable perOutput={accuracy.per_output} />
    </div>
  );
}

const SHAPE_TIMING_KEYS = new Set(["baseline_ms", "optimized_ms", "speedup", "served_by"]);

/** A shape entry names its shape either in "shape"/"label" or as its remaining keys. */
export function shapeLabel(entry: ShapeEntry): string {
  if (typeof entry.label === "string") return entry.label;
  if (entry.shape !== undefined) return formatValue(entry.shape);
  const rest = Object.fromEntries(Object.entries(entry).filter(([key]) => !SHAPE_TIMING_KEYS.has(key)));
  return Object.keys(rest).length ? formatValue(rest) : MISSING;
}

export function ShapesTable({ shapes }: { shapes: ShapeEntry[] }) {
  if (shapes.length === 0) return <p className="muted">No per-shape measurements reported.</p>;
  // A package may route shapes to different candidates; then say which answers each shape.
  const servedBy = new Set(shapes.map((entry) => entry.served_by).filter((name) => typeof name === "string")).size > 1;
  return (
    <ResponsiveTable testId="shapes-table">
      <thead>
        <tr>
          <th scope="col">Shape</th>
          <th scope="col" className="number">
            Baseline
          </th>
          <th scope="col" className="number">
            Optimized
          </th>
          <th scope="col" className="number">
            Speed-up
          </th>
          {servedBy && <th scope="col">Served by</th>}
        </tr>
      </thead>
      <tbody>
        {shapes.map((entry, index) => (
          <tr key={index} data-testid="shape-row">
            <th scope="row">{shapeLabel(entry)}</th>
            <td className="number">{formatMs(entry.baseline_ms)}</td>
            <td className="number">{formatMs(entry.optimized_ms)}</td>
            <td className="number">{formatSpeedup(entry.speedup)}</td>
            {servedBy && <td>{typeof entry.served_by === "string" ? entry.served_by : MISSING}</td>}
          </tr>
        ))}
      </tbody>
    </ResponsiveTable>
  );
}

/** p50 at the first (primary) shape when latency is per shape, else a flat number. */
export function candidateLatency(entry: CandidateEntry): string {
  for (const key of ["latency_ms", "optimized_ms", "post_run_ms", "p50_ms"]) {
    if (isNumber(entry[key])) return formatMs(entry[key]);
  }
  const perShape = asRecord(entry.latency);
  const primary = perShape ? asRecord(Object.values(perShape)[0]) : null;
  if (primary && isNumber(primary.p50_ms)) return formatMs(primary.p50_ms);
  return isNumber(entry.latency) ? formatMs(entry.latency) : MISSING;
}

function candidateAccuracy(entry: CandidateEntry): string {
  const accuracy = entry.accuracy;
  if (isNumber(accuracy)) return formatRatio(accuracy, 6);
  const record = asRecord(accuracy);
  if (record && isNumber(record.cosine)) return `cosine ${formatRatio(record.cosine, 6)}`;
  if (record && isNumber(record.value)) return formatRatio(record.value, 6);
  return MISSING;
}

function candidateReason(entry: CandidateEntry): string {
  // A routed candidate answers only some shapes of the package: say which.
  const serves = Array.isArray(entry.serves_shapes) ? entry.serves_shapes.filter((s) => typeof s === "string") : [];
  if (serves.length > 0) return `serves ${serves.join(", ")}`;
  for (const key of ["why_lost", "reason", "why", "detail"]) {
    if (typeof entry[key] === "string" && entry[key]) return entry[key] as string;
  }
  return MISSING;
}

export function CandidatesTable({ candidates }: { candidates: CandidateEntry[] }) {
  if (candidates.length === 0) return <p className="muted">No candidates reported.</p>;
  return (
    <ResponsiveTable testId="candidates-table">
      <thead>
        <tr>
          <th scope="col">Candidate</th>
          <th scope="col">Status</th>
          <th scope="col">Engine</th>
          <th scope="col" className="number">
            Latency (p50)
          </th>
          <th scope="col" className="number">
            Speed-up (geometric mean over its shapes)
          </th>
          <th scope="col">Accuracy</th>
          <th scope="col">Why</th>
        </tr>
      </thead>
      <tbody>
        {candidates.map((entry, index) => (
          <tr key={`${entry.name}-${index}`} data-testid="candidate-row">
            <th scope="row">{entry.name ?? MISSING}</th>
            <td>
              <StatusBadge status={typeof entry.status === "string" ? entry.status : undefined} />
            </td>
            <td>{[entry.engine, entry.precision].filter((part) => typeof part === "string" && part).join(" ") || MISSING}</td>
            <td className="number">{candidateLatency(entry)}</td>
            <td className="number">{formatSpeedup(entry.speedup)}</td>
            <td>{candidateAccuracy(entry)}</td>
            <td className="detail">{candidateReason(entry)}</td>
          </tr>
        ))}
      </tbody>
    </ResponsiveTable>
  );
}

/** What did not work (a shape the baseline fails at, a candidate that crashed), said plainly. */
export function ReportProblems({ failures }: { failures: NonNullable<OptimizationReport["failures"]> }) {
  if (failures.length === 0) return null;
  return (
    <ReportSection id="report-problems" title="Problems">
      <ul className="notes" data-testid="report-problems">
        {failures.map((failure, index) => (
          <li key={index}>
            <strong>{failure.name ?? "unknown"}</strong>
            {failure.status ? ` (${failure.status})` : ""}: {failure.detail || MISSING}
          </li>
        ))}
      </ul>
    </ReportSection>
  );
}

function CacheNote({ timing }: { timing: OptimizationReport["timing"] }) {
  if (!timing?.cache_hit) return null;
  return (
    <p className="muted" data-testid="cache-note">
      This result comes from the tuning cache: an earlier run on the same hardware already measured these
      candidates, so they were not tried again.
    </p>
  );
}

export function ReportView({ report }: { report: OptimizationReport }) {
  const candidates = asList(report.candidates);
  const optimizations = asList(report.optimizations);
  const shapes = asList<ShapeEntry>(report.shapes);
  const percentiles = latencyPercentiles(report);
  const accuracy = asRecord(report.accuracy) as AccuracyReport | null;
  const meets = accuracy ? accuracyMeetsBudget(accuracy) : null;
  const kernelsBefore = asRecord(report.kernels?.before);
  const kernelsAfter = asRecord(report.kernels?.after);
  return (
    <div className="report" data-testid="report">
      <ReportSection id="report-overall" title="Overall">
        <OverallSummary report={report} />
        <CacheNote timing={asRecord(report.timing) as OptimizationReport["timing"]} />
      </ReportSection>
      <ReportProblems failures={asList(report.failures)} />
      <ReportSection id="report-shipped" title="What ships">
        <ShippedVariantView report={report} />
      </ReportSection>
      <ReportSection
        id="report-accuracy"
        title="Accuracy"
        summary={meets === null ? undefined : meets ? "meets the budget" : "misses the budget"}
      >
        <AccuracySummary accuracy={accuracy} />
      </ReportSection>
      <ReportSection id="report-tradeoff" title="Speed-up against accuracy" summary={`${candidates.length} candidates`}>
        <CandidatePlot report={report} />
      </ReportSection>
      <ReportSection id="report-shapes" title="Per shape" summary={`${shapes.length} shapes`}>
        {/* Percentiles only where every shape has both sides; else the p50 chart from shapes[] (older reports). */}
        {percentiles.length > 0 &&
        percentiles.length === shapes.length &&
        percentiles.every((row) => row.baseline !== null && row.shipped !== null) ? (
          <PercentileChart rows={percentiles} />
        ) : (
          <LatencyChart
            points={shapes.map((entry) => ({
              label: shapeLabel(entry),
              baselineMs: typeof entry.baseline_ms === "number" ? entry.baseline_ms : null,
              optimizedMs: typeof entry.optimized_ms === "number" ? entry.optimized_ms : null,
            }))}
          />
        )}
        <ShapesTable shapes={shapes} />
      </ReportSection>
      <ReportSection
        id="report-candidates"
        title="Candidates tried"
        open={false}
        summary={countBy(candidates.map((entry) => (typeof entry.status === "string" ? entry.status : "unknown")))}
      >
        <CandidatesTable candidates={candidates} />
      </ReportSection>
      <ReportSection
        id="report-optimizations"
        title="Optimizations"
        open={false}
        summary={countBy(optimizations.map((entry) => (typeof entry.status === "string" ? entry.status : "unknown")))}
      >
        <OptimizationsTable entries={optimizations} />
      </ReportSection>
      <ReportSection
        id="report-kernels"
        title="Kernels by category, before and after"
        open={false}
        summary={
          isNumber(kernelsBefore?.total) && isNumber(kernelsAfter?.total)
            ? `${formatCount(kernelsBefore.total)} → ${formatCount(kernelsAfter.total)} kernels`
            : undefined
        }
      >
        <KernelsTable kernels={report.kernels} />
      </ReportSection>
      <ReportSection id="report-context" title="Where it was measured" open={false}>
        <div className="two-columns">
          <div className="grow">
            <h4>Hardware</h4>
            <KeyValueList values={asRecord(report.hardware_context)} testId="hardware-context" />
          </div>
          <div className="grow">
            <h4>Software</h4>
            <KeyValueList values={asRecord(report.software_context)} testId="software-context" />
          </div>
        </div>
      </ReportSection>
    </div>
  );
}

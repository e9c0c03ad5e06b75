// The optimization report (DESIGN.md, "The report"). Its types are generated: the API documents a
// job's report with the compiler core's report contract (component `Report`, report_version 2), and
// `npm run generate-client` writes it into src/api/generated/schema.ts. The console reads them
// leniently, every field optional and nullable: rows written before report_version 2 are served as
// stored and may lack any field, and a newer server may add some. The helpers below fall back for those.
import type { components } from "../api/generated/schema";

type Schemas = components["schemas"];

/**
 * The contract's shape with every field optional and nullable, at every depth; an enum reads as any
 * string (a newer server may add a status), so the views keep their fallbacks for unknown values.
 */
export type Lenient<T> = T extends string
  ? string
  : T extends number
    ? number
    : T extends (infer Item)[]
      ? Lenient<Item>[]
      : T extends object
        ? { [K in keyof T]?: Lenient<T[K]> | null }
        : T;

export type OptimizationEntry = Lenient<Schemas["ReportOptimization"]>;
// Indexed by category name in the kernels table.
export type KernelCounts = Lenient<Schemas["ReportKernelTable"]> & Record<string, unknown>;
export type AccuracyReport = Lenient<Schemas["ReportAccuracy"]>;
export type ShapeEntry = Lenient<Schemas["ReportShape"]> & Record<string, unknown>;
// Read field by field under several names (report_version 1 named them differently).
export type CandidateEntry = Lenient<Schemas["ReportCandidate"]> & Record<string, unknown> & {
  latency_ms?: number | null; // report_version 1
  reason?: string | null; // report_version 1
};

export type OptimizationReport = Omit<
  Lenient<Schemas["Report"]>,
  "report_version" | "candidates" | "hardware_context" | "software_context"
> & {
  report_version?: number | null; // 2 today; 1 in older rows
  candidates?: CandidateEntry[] | null;
  // Shown key by key as they come: what a machine reports grows with the optimizer.
  hardware_context?: Record<string, unknown> | null;
  software_context?: Record<string, unknown> | null;
};

/** The report's two speed-ups, each with the shapes it covers. */
export type Headline = {
  speedup: number | null; // at the primary shape
  shape: string | null;
  shapeSetSpeedup: number | null; // geometric mean over the shape set
  shapeSet: string[];
};

function finite(value: unknown): number | null {
  return typeof value === "number" && Number.isFinite(value) ? value : null;
}

/**
 * The headline is the primary shape's speed-up. Reports before report_version 2 kept the shape
 * set's geometric mean in overall.speedup beside the primary shape's latencies; for those the
 * headline is the ratio of those latencies, and the mean is the shape-set figure.
 */
export function headline(report: OptimizationReport): Headline {
  const overall = isRecord(report.overall) ? report.overall : {};
  const old = typeof report.report_version === "number" && report.report_version < 2;
  const before = finite(overall.baseline_ms);
  const after = finite(overall.optimized_ms);
  const speedup = old ? (before !== null && after ? Math.round((before / after) * 1e4) / 1e4 : null) : finite(overall.speedup);
  const listed = Array.isArray(overall.shape_set) ? overall.shape_set.filter((s): s is string => typeof s === "string") : null;
  const fromShapes = (Array.isArray(report.shapes) ? report.shapes : [])
    .map((entry) => (isRecord(entry) && typeof entry.label === "string" ? entry.label : null))
    .filter((label): label is string => label !== null);
  return {
    speedup,
    shape: typeof overall.shape === "string" ? overall.shape : null,
    shapeSetSpeedup: old ? finite(overall.speedup) : finite(overall.shape_set_speedup),
    shapeSet: listed ?? fromShapes,
  };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** The report of a job, or null when there is none (yet) or it is not an object. */
export function asReport(value: unknown): OptimizationReport | null {
  return isRecord(value) ? (value as OptimizationReport) : null;
}

export function asList<T>(value: T[] | null | undefined): T[] {
  return Array.isArray(value) ? value.filter(isRecord as (item: unknown) => item is T) : [];
}

export function asRecord(value: unknown): Record<string, unknown> | null {
  return isRecord(value) ? value : null;
}

/** The job log is a list of strings in the API; anything else shows as an empty log. */
export function asLogLines(value: unknown): string[] {
  return Array.isArray(value) ? value.map(String) : [];
}

export type RouteRow = { shape: string; candidate: string; speedup: number | null; overDefault: number | null };
export type ShippedVariant = {
  /** The graph that answers every shape not routed elsewhere ('original' when nothing beat the baseline). */
  defaultGraph: string | null;
  engine: string | null;
  precision: string | null;
  routes: RouteRow[];
  /** Every measured shape with the graph that answers it and its speed-up over the baseline. */
  shapes: { label: string; servedBy: string | null; speedup: number | null; routed: boolean }[];
};

/**
 * What the package runs, as structure. overall.chosen names a routed package as one string,
 * `default+routes[batch=4 -> int8_static; ...]` (compiler_core/pipeline/route.py); the default is
 * the part before `+routes[`, and overall.routes / shapes[].served_by say the rest.
 */
export function shippedVariant(report: OptimizationReport): ShippedVariant {
  const overall = isRecord(report.overall) ? report.overall : {};
  const routes: RouteRow[] = (Array.isArray(overall.routes) ? overall.routes : [])
    .filter(isRecord)
    .filter((route) => typeof route.shape === "string" && typeof route.candidate === "string")
    .map((route) => ({
      shape: route.shape as string,
      candidate: route.candidate as string,
      speedup: finite(route.speedup),
      overDefault: finite(route.over_default),
    }));
  const chosen = typeof overall.chosen === "string" ? overall.chosen : null;
  const marker = chosen?.indexOf("+routes[") ?? -1;
  let defaultGraph = chosen !== null && marker > 0 ? chosen.slice(0, marker) : chosen;
  const routedShapes = new Set(routes.map((route) => route.shape));
  const shapes = (Array.isArray(report.shapes) ? report.shapes : []).filter(isRecord).map((entry) => {
    const label = typeof entry.label === "string" ? entry.label : shapeText(entry.shape);
    const servedBy = typeof entry.served_by === "string" ? entry.served_by : null;
    return { label, servedBy, speedup: finite(entry.speedup), routed: routedShapes.has(label) };
  });
  // Reports that named a routed package only "routed" (before the label carried the default):
  // the default is what serves the shapes no route claims.
  if ((defaultGraph === null || defaultGraph === "routed") && routes.length > 0) {
    defaultGraph = shapes.find((shape) => !shape.routed && shape.servedBy)?.servedBy ?? defaultGraph;
  }
  return {
    defaultGraph,
    engine: typeof overall.engine === "string" ? overall.engine : null,
    precision: typeof overall.precision === "string" ? overall.precision : null,
    routes,
    shapes,
  };
}

function shapeText(shape: unknown): string {
  if (!isRecord(shape)) return "—";
  return Object.entries(shape)
    .map(([dim, size]) => `${dim}=${String(size)}`)
    .join(",");
}

export type Percentiles = { p50: number | null; p90: number | null; p99: number | null };
export type ShapeLatency = { label: string; servedBy: string | null; baseline: Percentiles | null; shipped: Percentiles | null };

function percentiles(value: unknown): Percentiles | null {
  if (!isRecord(value)) return null;
  const out = { p50: finite(value.p50_ms), p90: finite(value.p90_ms), p99: finite(value.p99_ms) };
  return out.p50 === null && out.p90 === null && out.p99 === null ? null : out;
}

/**
 * p50/p90/p99 per shape, baseline against what ships there. The candidates carry them
 * (candidates[].latency and .baseline_latency, keyed by shape label); the shipped figure at a shape
 * is that of the candidate serving it (shapes[].served_by), the baseline's is the one measured
 * beside it, else any candidate's. A shape the original serves ships the baseline's own figures.
 */
export function latencyPercentiles(report: OptimizationReport): ShapeLatency[] {
  const candidates = asList(report.candidates);
  const variant = shippedVariant(report);
  const labels = variant.shapes.length
    ? variant.shapes.map((shape) => shape.label)
    : [...new Set(candidates.flatMap((c) => Object.keys(asRecord(c.latency) ?? {})))];
  return labels
    .map((label) => {
      const servedBy = variant.shapes.find((shape) => shape.label === label)?.servedBy ?? variant.defaultGraph;
      const server = candidates.find((c) => c.name === servedBy);
      const baseline =
        percentiles(asRecord(server?.baseline_latency)?.[label]) ??
        candidates.map((c) => percentiles(asRecord(c.baseline_latency)?.[label])).find((p) => p !== null) ??
        null;
      const shipped = servedBy === "original" ? baseline : percentiles(asRecord(server?.latency)?.[label]);
      return { label, servedBy, baseline, shipped };
    })
    .filter((row) => row.baseline !== null || row.shipped !== null);
}

export type CandidatePoint = { name: string; status: string; accuracy: number; speedup: number };

/** Candidates with both a speed-up and a measured accuracy (cosine) — the ones a plot can place. */
export function candidatePoints(report: OptimizationReport): { points: CandidatePoint[]; unplotted: string[] } {
  const points: CandidatePoint[] = [];
  const unplotted: string[] = [];
  for (const candidate of asList(report.candidates)) {
    const accuracy = asRecord(candidate.accuracy);
    const value = finite(accuracy?.value) ?? finite(accuracy?.cosine) ?? finite(candidate.accuracy);
    const speedup = finite(candidate.speedup);
    const name = typeof candidate.name === "string" ? candidate.name : "?";
    if (value === null || speedup === null) unplotted.push(name);
    else points.push({ name, status: typeof candidate.status === "string" ? candidate.status : "unknown", accuracy: value, speedup });
  }
  return { points, unplotted };
}

// The compare page's reading of several jobs: rows keyed by what they describe (a shape, a kernel
// category, an output), one cell per job, so jobs that measured different shapes still line up.
import type { Job } from "../api/types";
import { asList, asRecord, asReport, headline, shippedVariant, type ShapeEntry } from "./report";

export const MAX_COMPARED = 8;

/** `?jobs=12,15` → [12, 15]: positive integers, each once, at most MAX_COMPARED. */
export function parseJobIds(value: string | null): number[] {
  const ids = (value ?? "")
    .split(",")
    .map((part) => part.trim())
    .filter((part) => /^\d+$/.test(part))
    .map(Number)
    .filter((id) => id > 0);
  return [...new Set(ids)].slice(0, MAX_COMPARED);
}

export type ComparedJob = {
  speedup: number | null;
  shape: string | null;
  shapeSetSpeedup: number | null;
  shapeSet: string[];
  baselineMs: number | null;
  optimizedMs: number | null;
  shipped: string | null;
  routes: string[];
  accuracy: { metric: string | null; value: number | null; budget: number | null; passes: boolean | null } | null;
  shapes: Map<string, { baselineMs: number | null; optimizedMs: number | null; speedup: number | null; servedBy: string | null }>;
  kernels: Map<string, { before: number | null; after: number | null }>;
  outputs: Map<string, { kind: string | null; passes: boolean | null; cosine: number | null }>;
};

const num = (value: unknown) => (typeof value === "number" && Number.isFinite(value) ? value : null);

export function compared(job: Job): ComparedJob | null {
  const report = asReport(job.report);
  if (!report) return null;
  const head = headline(report);
  const variant = shippedVariant(report);
  const overall = asRecord(report.overall) ?? {};
  const accuracy = asRecord(report.accuracy);
  const shapes = new Map<string, ComparedJob["shapes"] extends Map<string, infer V> ? V : never>();
  for (const entry of asList<ShapeEntry>(report.shapes)) {
    const label = labelOf(entry);
    shapes.set(label, {
      baselineMs: num(entry.baseline_ms),
      optimizedMs: num(entry.optimized_ms),
      speedup: num(entry.speedup),
      servedBy: typeof entry.served_by === "string" ? entry.served_by : null,
    });
  }
  const kernels = new Map<string, { before: number | null; after: number | null }>();
  const before = asRecord(report.kernels?.before) ?? {};
  const after = asRecord(report.kernels?.after) ?? {};
  for (const key of ["compute", "memory", "data_movement", "other", "total"]) {
    if (num(before[key]) !== null || num(after[key]) !== null) kernels.set(key, { before: num(before[key]), after: num(after[key]) });
  }
  const outputs = new Map<string, { kind: string | null; passes: boolean | null; cosine: number | null }>();
  for (const [name, verdict] of Object.entries(asRecord(accuracy?.per_output) ?? {})) {
    const record = asRecord(verdict);
    if (!record) continue;
    outputs.set(name, {
      kind: typeof record.kind === "string" ? record.kind : null,
      passes: typeof record.passes === "boolean" ? record.passes : null,
      cosine: num(record.cosine),
    });
  }
  return {
    speedup: head.speedup,
    shape: head.shape,
    shapeSetSpeedup: head.shapeSetSpeedup,
    shapeSet: head.shapeSet,
    baselineMs: num(overall.baseline_ms),
    optimizedMs: num(overall.optimized_ms),
    shipped: variant.defaultGraph,
    routes: variant.routes.map((route) => `${route.shape} → ${route.candidate}`),
    accuracy: accuracy
      ? {
          metric: typeof accuracy.metric === "string" ? accuracy.metric : null,
          value: num(accuracy.value),
          budget: num(accuracy.budget),
          passes:
            typeof accuracy.passes === "boolean"
              ? accuracy.passes
              : num(accuracy.value) !== null && num(accuracy.budget) !== null
                ? num(accuracy.value)! >= num(accuracy.budget)!
                : null,
        }
      : null,
    shapes,
    kernels,
    outputs,
  };
}

function labelOf(entry: ShapeEntry): string {
  if (typeof entry.label === "string") return entry.label;
  const shape = asRecord(entry.shape);
  return shape ? Object.entries(shape).map(([dim, size]) => `${dim}=${String(size)}`).join(",") : "?";
}

/** Row keys in first-seen order across the jobs. */
export function unionKeys(maps: (Map<string, unknown> | undefined)[]): string[] {
  const keys: string[] = [];
  for (const map of maps) for (const key of map?.keys() ?? []) if (!keys.includes(key)) keys.push(key);
  return keys;
}

/** The latest succeeded job of each version, newest version first: "compare the versions". */
export function latestJobPerVersion(jobs: Job[]): Job[] {
  const byVersion = new Map<number, Job>();
  for (const job of jobs) {
    if (job.status !== "succeeded") continue;
    const seen = byVersion.get(job.model_version);
    if (!seen || Date.parse(job.created_at) > Date.parse(seen.created_at)) byVersion.set(job.model_version, job);
  }
  return [...byVersion.values()].sort((a, b) => b.model_version - a.model_version);
}

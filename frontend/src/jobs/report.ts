// The optimization report (DESIGN.md, "The report") is free-form JSON in the API schema;
// these types name what the console reads, and every field is optional on purpose.

export type OptimizationEntry = {
  name?: string;
  status?: string; // effective | ineffective | failed | skipped
  speedup?: number | null;
  pre_run_ms?: number | null;
  post_run_ms?: number | null;
  detail?: string | null;
};

export type KernelCounts = Record<string, unknown> & {
  compute?: number;
  memory?: number;
  data_movement?: number;
  total?: number;
};

export type AccuracyReport = {
  metric?: string;
  value?: number | null;
  budget?: number | null;
  max_abs_diff?: number | null;
  cosine?: number | null;
  top1_agreement?: number | null;
};

export type ShapeEntry = Record<string, unknown> & {
  shape?: unknown;
  baseline_ms?: number | null;
  optimized_ms?: number | null;
  speedup?: number | null;
};

export type CandidateEntry = Record<string, unknown> & {
  name?: string;
  status?: string;
  speedup?: number | null;
  latency_ms?: number | null;
  reason?: string | null;
};

export type OptimizationReport = {
  software_context?: Record<string, unknown> | null;
  hardware_context?: Record<string, unknown> | null;
  diagnosis?: { shape_variation?: string; test_data_source?: string; message?: string } | null;
  optimizations?: OptimizationEntry[] | null;
  overall?: {
    baseline_ms?: number | null;
    optimized_ms?: number | null;
    speedup?: number | null;
    chosen?: string | null;
    precision?: string | null;
  } | null;
  kernels?: { before?: KernelCounts | null; after?: KernelCounts | null } | null;
  accuracy?: AccuracyReport | null;
  shapes?: ShapeEntry[] | null;
  candidates?: CandidateEntry[] | null;
  failures?: { name?: string; status?: string; detail?: string | null }[] | null;
  timing?: { elapsed_s?: number | null; time_budget_s?: number | null; cache_hit?: boolean | null } | null;
};

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

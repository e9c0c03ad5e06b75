import type { Deployment, Job, ModelDetail } from "../api/types";
import type { OptimizationReport } from "../jobs/report";

export const user = { id: 1, username: "ada", is_staff: true };

export const signature = {
  inputs: [{ name: "x", dtype: "float32", shape: ["batch", 16] }],
  outputs: [{ name: "y", dtype: "float32", shape: ["batch", 8] }],
};

export const nodeCounts = { compute: 1, memory: 2, data_movement: 0, other: 0, total: 3 };

// Asserted rather than annotated: the backend adds fields often, and a fixture only needs
// the ones the console reads (tsc still checks the ones given have the right types).
export const model = {
  id: 3,
  name: "tiny-mlp",
  description: "MatMul, Add, Relu",
  owner: "ada",
  can_edit: true,
  card: "",
  tags: [],
  team: null,
  created_at: "2026-11-25T10:00:00Z",
  updated_at: "2026-11-25T10:00:00Z",
  latest_version: {
    id: 5,
    number: 1,
    format: "onnx",
    framework: "onnx",
    storage_key: "models/3/v1/model.onnx",
    size_bytes: 1234,
    sha256: "ab".repeat(32),
    signature,
    node_counts: nodeCounts,
    opset: 17,
    dynamic_dims: ["batch"],
    status: "ready",
    files: [],
    lineage: null,
    example_inputs: { count: 0, size_bytes: 0, shapes: [], files: [], updated_at: null },
    tokenizer: null,
    created_at: "2026-11-25T10:00:00Z",
  },
  signature,
  node_counts: nodeCounts,
  latest_job: null,
  best_job: null,
  preprocessing: null,
  labels: null,
} as ModelDetail;

export const fullReport: OptimizationReport = {
  software_context: { onnxruntime: "1.32.0", python: "3.11" },
  hardware_context: { cpu: "Xeon", cores: 2, isa: ["avx2"] },
  diagnosis: { shape_variation: "dynamic", test_data_source: "generated", message: "fusion wins on this CPU" },
  optimizations: [
    { name: "ort_fusion", status: "effective", speedup: 1.42, pre_run_ms: 2.0, post_run_ms: 1.408, detail: "fused MatMul+Add" },
    { name: "int8_dynamic", status: "skipped", speedup: null, pre_run_ms: null, post_run_ms: null, detail: "recipe is lossless" },
  ],
  overall: { baseline_ms: 2.0, optimized_ms: 1.408, speedup: 1.42, chosen: "ort_fusion", precision: "fp32" },
  // The shape compiler_core/report.py writes: counts per category, ms per category, host time.
  kernels: {
    before: {
      compute: 4, memory: 6, data_movement: 2, other: 0, total: 12,
      time_ms: { compute: 1.2, memory: 0.5, data_movement: 0.1, other: 0, total: 1.8 },
      host_ms: 0.2,
      graph: "the exported graph, onnxruntime graph optimizations off, 1 thread",
    },
    after: {
      compute: 2, memory: 3, data_movement: 2, other: 0, total: 7,
      time_ms: { compute: 1.0, memory: 0.2, data_movement: 0.1, other: 0, total: 1.3 },
      host_ms: 0.1,
      graph: "the graph onnxruntime executes for the package, 1 thread",
    },
  },
  accuracy: { metric: "cosine", value: 0.99999, budget: 0.9999, max_abs_diff: 1.2e-6, cosine: 0.99999, top1_agreement: null },
  shapes: [
    { shape: { batch: 1 }, baseline_ms: 2.0, optimized_ms: 1.4, speedup: 1.43 },
    { shape: { batch: 16 }, baseline_ms: 9.0, optimized_ms: 6.5, speedup: 1.38 },
  ],
  candidates: [
    {
      name: "ort_fusion", engine: "onnxruntime", precision: "fp32", status: "chosen", speedup: 1.42, why_lost: null,
      latency: { "batch=1": { p50_ms: 1.408, p90_ms: 1.5, runs: 40 }, "batch=16": { p50_ms: 6.5, runs: 40 } },
      accuracy: { metric: "cosine", value: 0.99999, cosine: 0.99999 },
    },
    {
      name: "openvino_f32", engine: "openvino", precision: "fp32", status: "lost", speedup: 0.9,
      why_lost: "slower than the baseline at batch=1", latency: { "batch=1": { p50_ms: 2.2 } },
    },
    { name: "bf16", status: "skipped", speedup: null, why_lost: "no avx512_bf16 on this CPU", latency: {} },
  ],
};

export function job(overrides: Partial<Job> = {}): Job {
  return {
    cancel_requested: false,
    id: 7,
    owner: "ada",
    model: 3,
    model_name: "tiny-mlp",
    model_version: 1,
    recipe: "lossless",
    options: {},
    device: "cpu",
    status: "running",
    stage: "candidates",
    progress: 40,
    effective_time_budget_s: null,
    log: ["inspect: reading model.onnx", "baseline: 2.000 ms"],
    error: "",
    report: null,
    package_url: null,
    worker: "worker@host",
    attempts: 1,
    created_at: "2026-11-25T10:00:00Z",
    started_at: "2026-11-25T10:00:01Z",
    finished_at: null,
    ...overrides,
  } as Job;
}

/** The API for a model page that starts an optimization: `model` (id 3) queues job 9, which then opens. */
export function optimizingModelRoutes() {
  return {
    "GET /api/v1/auth/session/": { body: user },
    "GET /api/v1/models/3/": { body: model },
    "POST /api/v1/models/3/optimizations/": { status: 202, body: job({ id: 9, status: "queued" }) },
    "GET /api/v1/jobs/9/": { body: job({ id: 9, status: "queued" }) },
  };
}

export function deployment(overrides: Partial<Deployment> = {}): Deployment {
  return {
    id: 11,
    name: "tiny-mlp-7",
    job: 7,
    model: 3,
    model_name: "tiny-mlp",
    status: "loading",
    message: "",
    endpoint_url: "http://127.0.0.1:8080/v2/models/tiny-mlp-7/infer",
    access_token_required: false,
    access_token: null,
    target_job: null,
    max_batch_size: 0,
    max_batch_time: 0,
    hardware_class: "x86_64-amd-avx2",
    package_hardware_class: "x86_64-amd-avx2",
    measured_on_other_class: false,
    accuracy_on_engine: null,
    speed_on_engine: null,
    tokenizer: null,
    created_at: "2026-11-25T10:05:00Z",
    updated_at: "2026-11-25T10:05:00Z",
    ...overrides,
  } as Deployment;
}

export function listed<T>(results: T[]) {
  return { count: results.length, next: null, previous: null, results };
}

export const modelRow = {
  id: 3,
  name: "tiny-mlp",
  description: "MatMul, Add, Relu",
  owner: "ada",
  can_edit: true,
  visibility: "private",
  team: null,
  tags: ["vision"],
  framework: "onnx",
  format: "onnx",
  source: "upload",
  signature: null,
  node_counts: nodeCounts,
  created_at: "2026-11-25T10:00:00Z",
  updated_at: "2026-11-25T10:00:00Z",
  latest_version: {
    id: 5,
    number: 1,
    format: "onnx",
    framework: "onnx",
    size_bytes: 1234,
    sha256: "ab",
    status: "ready",
    storage_key: "models/3/v1/model.onnx",
    source_uri: "",
    created_at: "2026-11-25T10:00:00Z",
  },
  latest_job: { id: 21, status: "succeeded", speedup: 1.8, created_at: "2026-11-25T11:00:00Z" },
  best_job: { id: 21, speedup: 1.8 },
};

export const recommendations = [
  { recipe: "lossless", helps: true, why: "MatMul+Add fuse into Gemm; modest gains" },
  { recipe: "int8", helps: false, why: "no MatMul/Conv work to quantize" },
];

const lat = (p50: number, p90: number, p99: number) => ({ p50_ms: p50, p90_ms: p90, p99_ms: p99, mean_ms: p50, runs: 40 });

/**
 * A report_version 2 report as compiler_core/report.py writes it for a routed package: batch=1
 * keeps the original, batch=4 and batch=16 run int8_static+no_spinning (issue #24's example).
 */
export const routedReport: OptimizationReport = {
  report_version: 2,
  recipe: "auto",
  diagnosis: { message: "INT8 wins at the larger batches" },
  overall: {
    shape: "batch=1", baseline_ms: 0.55, optimized_ms: 0.55, speedup: 1.0,
    shape_set: ["batch=1", "batch=4", "batch=16"], shape_set_speedup: 1.96,
    chosen: "original+routes[batch=4 -> int8_static+no_spinning; batch=16 -> int8_static+no_spinning]",
    engine: "onnxruntime", precision: "mixed", shipped_original: false,
    routes: [
      { shape: "batch=4", candidate: "int8_static+no_spinning", speedup: 2.5, over_default: 2.5 },
      { shape: "batch=16", candidate: "int8_static+no_spinning", speedup: 3.0, over_default: 3.0 },
    ],
  },
  accuracy: {
    metric: "cosine", value: 0.9981, budget: 0.99, requested_budget: 0.99, cosine: 0.9981, max_abs_diff: 0.02,
    top1_agreement: 0.97, passes: true,
    per_output: {
      logits: { kind: "class_scores", passes: true, cosine: 0.9981, max_abs_diff: 0.02, top1_agreement: 0.97 },
      boxes: {
        kind: "detections", passes: false, cosine: 0.97, max_abs_diff: 1.5, detection_agreement: 0.8,
        score_cosine: 0.99, detections: 25, note: "2 of 25 boxes moved", kind_source: "set",
      },
      mask: { kind: "mask", passes: true, cosine: 0.999, max_abs_diff: null, thresholded_agreement: 0.995, foreground_iou: 0.9925 },
    },
  },
  shapes: [
    { shape: { batch: 1 }, label: "batch=1", baseline_ms: 0.55, optimized_ms: 0.55, speedup: 1.0, served_by: "original" },
    { shape: { batch: 4 }, label: "batch=4", baseline_ms: 1.9, optimized_ms: 0.76, speedup: 2.5, served_by: "int8_static+no_spinning" },
    { shape: { batch: 16 }, label: "batch=16", baseline_ms: 7.5, optimized_ms: 2.5, speedup: 3.0, served_by: "int8_static+no_spinning" },
  ],
  candidates: [
    {
      name: "int8_static+no_spinning", engine: "onnxruntime", precision: "int8", status: "routed", speedup: 2.0,
      runoff_speedup: 0.9, why_lost: null, serves_shapes: ["batch=4", "batch=16"],
      latency: { "batch=1": lat(0.6, 0.7, 0.9), "batch=4": lat(0.76, 0.8, 1.1), "batch=16": lat(2.5, 2.7, 3.4) },
      baseline_latency: { "batch=1": lat(0.55, 0.6, 0.8), "batch=4": lat(1.9, 2.0, 2.6), "batch=16": lat(7.5, 7.9, 9.0) },
      accuracy: { metric: "cosine", value: 0.9981, budget: 0.99, cosine: 0.9981, max_abs_diff: 0.02, top1_agreement: 0.97, passes: true },
    },
    {
      name: "ort_fusion", engine: "onnxruntime", precision: "fp32", status: "lost", speedup: 1.01, runoff_speedup: 1.0,
      why_lost: "gain 1.010x is within the measured noise",
      latency: { "batch=1": lat(0.54, 0.6, 0.8) }, baseline_latency: { "batch=1": lat(0.55, 0.6, 0.8) },
      accuracy: { metric: "cosine", value: 0.99999, budget: 0.99, cosine: 0.99999, max_abs_diff: 1e-6, top1_agreement: 1, passes: true },
    },
    {
      name: "int8_dynamic", engine: "onnxruntime", precision: "int8", status: "rejected", speedup: 1.7, runoff_speedup: null,
      why_lost: "cosine 0.962 is below the budget 0.99",
      accuracy: { metric: "cosine", value: 0.962, budget: 0.99, cosine: 0.962, max_abs_diff: 0.4, top1_agreement: 0.88, passes: false },
    },
    { name: "bf16", engine: "onnxruntime", precision: "bf16", status: "skipped", speedup: null, runoff_speedup: null, why_lost: "no avx512_bf16" },
  ],
  kernels: { before: { compute: 4, total: 10 }, after: { compute: 4, total: 6 } },
  optimizations: [],
};

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
    created_at: "2026-11-25T10:00:00Z",
  },
  signature,
  node_counts: nodeCounts,
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
    model: 3,
    model_name: "tiny-mlp",
    model_version: 1,
    recipe: "lossless",
    options: {},
    device: "cpu",
    status: "running",
    stage: "candidates",
    progress: 40,
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
};

export const recommendations = [
  { recipe: "lossless", helps: true, why: "MatMul+Add fuse into Gemm; modest gains" },
  { recipe: "int8", helps: false, why: "no MatMul/Conv work to quantize" },
];

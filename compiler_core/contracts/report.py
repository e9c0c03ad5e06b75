"""The report's contract: what `report.json` holds, typed once, here.

`compiler_core.report.build_report` writes it; the worker stores it in the job row; the API serves
it (its OpenAPI component `Report` is this module's JSON Schema); the console's types are generated
from that. `schemas/report.schema.json` is `ReportV2.model_json_schema()`, committed so that other
languages and tools can read it; a test fails when it is stale (regenerate with
`python -m compiler_core.contracts`).

Extra fields: the writer is strict and the reader is lenient. Every model forbids fields it does not
name, so the JSON Schema says `additionalProperties: false` and a report this version writes with a
field nobody declared fails `validate_written` (a bug, caught by the tests before a user sees it).
`ReportV2.from_json` ignores unknown fields instead, so a reader built from this version still reads
a report a newer writer added a field to. A change to a field's meaning or type is a new
`report_version`, not an extra field.

Optional means "may be absent or null in a report this version writes", never "old reports lack it":
rows written before report_version 2 are not ReportV2 and are read as plain JSON (the console's
reader types are lenient for them).
"""

from __future__ import annotations

import json
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from ._base import ContractError
from .runtime import Runtime

# 2: overall.speedup is the primary shape's figure (it was the shape set's geometric mean, now
# overall.shape_set_speedup); every optimizations[] row's speedup is its own pre_run_ms / post_run_ms.
REPORT_VERSION = 2


class ReportContractError(ContractError):
    """A report this version wrote does not match its own contract: a bug in the writer."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


# A shape as the user names it: {"batch": 4, "seq": 128}; its label is "batch=4,seq=128".
Shape = dict[str, int]


class ReportModel(_Strict):
    sha256: str = Field(description="sha256 of the model file as uploaded (before any conversion)")
    source_format: str = Field(description="onnx, torchscript, torch_export, ...")
    workload: str = Field(description="what the graph looks like: dense, conv, transformer, ...")


class ReportHardwareContext(_Strict):
    cpu_model: str
    cpu_generation: str | None = Field(
        default=None, description="the CPU's family and model numbers, e.g. 'family 23 model 1' (AMD Zen 1): a "
                                  "cloud guest's model name often hides them, and one hardware class holds several "
                                  "generations, on which what wins can differ")
    vendor: str
    architecture: str
    logical_cpus: int
    usable_cpus: int = Field(description="CPUs this process may use (affinity and cgroup quota)")
    isa: dict[str, bool] = Field(description="ISA flags the optimizer cares about, e.g. avx512_vnni, amx_bf16")
    has_vnni: bool
    has_bf16: bool
    has_amx: bool
    memory_bytes: int | None
    hardware_class: str = Field(
        description="the class the package was measured on and holds for: <architecture>-<vendor>-<level>, e.g. "
                    "x86_64-amd-avx512vnni-bf16 (compiler_core/hardware.py); narrowed when the worker declared one")
    detected_hardware_class: str = Field(
        description="the class the worker's CPU has; differs from hardware_class when the worker declared a "
                    "narrower one (WHETSTONE_HARDWARE_CLASS)")


class ReportDiagnosis(_Strict):
    shape_variation: Literal["static", "dynamic"]
    test_data_source: str
    message: str = Field(description="the one-sentence verdict a user reads first")
    threads: int
    baseline: str = Field(description="what the speed-ups are measured against")


class ReportOptimization(_Strict):
    name: str
    status: Literal["effective", "ineffective", "failed", "skipped"] = Field(
        description="effective only when the package runs this candidate")
    speedup: float | None = Field(description="pre_run_ms / post_run_ms, at shape")
    pre_run_ms: float | None
    post_run_ms: float | None
    shape: str | None = Field(description="the shape label pre_run_ms and post_run_ms were measured at")
    measured_in: Literal["final runoff", "paired comparison with the baseline"] | None
    shape_set_speedup: float | None = Field(
        description="geometric mean over the shapes this candidate was measured at (the row's figure before "
                    "report_version 2)")
    detail: str


class ReportRoute(_Strict):
    shape: str
    candidate: str
    speedup: float | None
    over_default: float | None


class ReportOverall(_Strict):
    baseline_ms: float | None
    optimized_ms: float | None
    speedup: float | None = Field(description="the headline: baseline_ms / optimized_ms at shape, the primary shape")
    noise: float | None
    shape_set_speedup: float | None = Field(description="geometric mean of shapes[].speedup over shape_set")
    median_speedup: float | None = Field(
        default=None, description="present when a candidate was measured against the baseline: the same as speedup")
    quiet_speedup: float | None = Field(
        default=None, description="present with median_speedup: the ratio of the 20th percentiles of the blocks")
    shape: str = Field(description="the primary shape's label")
    shape_set: list[str]
    chosen: str = Field(description="the candidate the package runs ('original' when nothing beat the baseline)")
    engine: str | None
    precision: str | None
    speedup_is: str = Field(description="how the speed-ups are computed, in words")
    shipped_original: bool
    routes: list[ReportRoute] = Field(description="shapes answered by another graph than the default")


class ReportKernelTable(_Strict):
    """Kernel counts by category (the FusionStitching columns); with times for onnxruntime. A table
    that could not be produced holds only `error`."""

    compute: int | None = None
    memory: int | None = None
    data_movement: int | None = None
    other: int | None = None
    total: int | None = None
    time_ms: dict[str, float] | None = Field(
        default=None, description="kernel time per category and total, per run (onnxruntime only)")
    host_ms: float | None = Field(default=None, description="time per run outside the kernels (onnxruntime only)")
    graph: str | None = Field(default=None, description="which graph was counted")
    error: str | None = Field(default=None, description="why the table is missing")


class ReportKernels(_Strict):
    before: ReportKernelTable
    after: ReportKernelTable


class ReportOutputAccuracy(_Strict):
    """One output's verdict, judged by its kind (compiler_core/output_kinds.py)."""

    kind: Literal["class_scores", "sequence_logits", "detections", "mask", "regression", "embedding",
                  "values"] | None = Field(default=None, description="absent for outputs that are not numbers")
    kind_source: Literal["set"] | None = Field(default=None, description="'set' when the user named the kind")
    boxes_output: str | None = Field(
        default=None, description="detections whose boxes are another output (detections@BOXES): that output")
    layout: str | None = Field(
        default=None, description="detections in one output: how its rows were read, e.g. '[batch, anchors, box "
                                  "0, 1, 2, 3; objectness 4; class scores 5..84]'")
    score_rows: list[int] | None = Field(
        default=None, description="detections in one output: its score rows [start, stop) along the axis that is "
                                  "not the anchors' (stop -1: to the end); the box is the first 4 others")
    anchors_first: bool | None = Field(
        default=None, description="detections in one output: [batch, anchors, columns] rather than [batch, rows, "
                                  "anchors]")
    objectness: bool | None = Field(
        default=None, description="detections in one output: the first score row is objectness, and a detection's "
                                  "score is objectness x class score (YOLOv5)")
    grid: list[list[int]] | None = Field(
        default=None, description="detections in one output with raw boxes (YOLOX exported without "
                                  "decode_in_inference): each level's [grid height, grid width, stride], in the "
                                  "order of the anchors; the judge decodes a box as (x + column) x stride, (y + "
                                  "row) x stride, exp(w) x stride, exp(h) x stride")
    passes: bool = Field(description="whether this output meets the budget in its kind's metrics")
    cosine: float
    max_abs_diff: float | None = Field(description="null when infinite (an output missing or reshaped)")
    top1_agreement: float | None = None
    top1_agreement_raw: float | None = None
    step_agreement: float | None = Field(default=None, description="sequence_logits: decoded symbols that agree")
    score_cosine: float | None = Field(default=None, description="detections: cosine of the scores alone "
                                                                    "(as probabilities)")
    detection_agreement: float | None = Field(
        default=None, description="detections: share of the anchors that detect in either graph (score >= "
                                  "0.25) that detect in both, same class, boxes at IoU >= 0.5; null when no "
                                  "detection scored above the threshold")
    detections: int | None = Field(default=None, description="detections: how many anchors of the original "
                                                               "detect (score >= 0.27)")
    objects: int | None = Field(default=None, description="detections: how many objects the original detects "
                                                          "after class-wise NMS (IoU 0.5)")
    object_agreement: float | None = Field(
        default=None, description="detections: share of the objects (after NMS in each graph) that both graphs "
                                  "detect, same class, boxes at IoU >= 0.5, of those either detects; null when "
                                  "there are none")
    object_agreement_bound: float | None = Field(
        default=None, description="where an object changed: object_agreement's lower bound at "
                                  "agreement_confidence (Wilson), which must reach 0.99 too")
    thresholded_agreement: float | None = Field(default=None, description="mask: thresholded values that agree")
    foreground_iou: float | None = Field(
        default=None, description="mask: intersection over union of the thresholded foreground (1.0 when the "
                                  "reference has none)")
    relative_error: float | None = Field(default=None, description="regression: |ref - got| / |ref| (L2)")
    decisions: int | None = Field(
        default=None, description="how many decisions (rows, steps, decisive elements, detections) the "
                                  "agreement is measured over")
    agreement_bound: float | None = Field(
        default=None, description="where some decision changed: the agreement's lower bound at "
                                  "agreement_confidence (Wilson), which must reach 0.99 too")
    agreement_confidence: float | None = Field(
        default=None, ge=0, le=1,
        description="the confidence of agreement_bound and object_agreement_bound: 0.8, or 0.95 where the "
                    "search judged a pass that changed a top-1 row again on more generated rows")
    note: str | None = None
    error: str | None = None


class ReportAccuracyCheck(_Strict):
    metric: Literal["cosine"]
    value: float
    budget: float
    max_abs_diff: float | None
    cosine: float
    top1_agreement: float | None
    passes: bool
    per_output: dict[str, ReportOutputAccuracy] | None = None


class ReportAccuracy(ReportAccuracyCheck):
    requested_budget: float = Field(description="the budget the user asked for; lossless measures against 0.9999")


class ReportShape(_Strict):
    shape: Shape
    label: str
    baseline_ms: float | None
    optimized_ms: float | None
    speedup: float | None
    served_by: str = Field(description="the candidate whose graph answers this shape, or 'original'")


class ReportLatency(_Strict):
    p50_ms: float | None
    p90_ms: float | None
    p99_ms: float | None
    mean_ms: float | None
    runs: int


class ReportCandidate(_Strict):
    """Every candidate tried. Those listed from the tuning cache (`from_cache`) carry only name,
    engine, precision, status, the two speed-ups and why_lost."""

    name: str
    engine: str | None
    precision: str | None
    status: Literal["chosen", "routed", "lost", "rejected", "failed", "skipped"]
    speedup: float | None = Field(description="geometric mean over the shapes this candidate was measured at")
    runoff_speedup: float | None = Field(description="its primary-shape figure from the final runoff")
    why_lost: str | None
    serves_shapes: list[str] | None = None
    confirmation_speedup: float | None = None
    noise: float | None = None
    latency: dict[str, ReportLatency] | None = Field(default=None, description="per shape label")
    baseline_latency: dict[str, ReportLatency] | None = Field(default=None, description="per shape label")
    accuracy: ReportAccuracyCheck | None = None
    detail: str | None = None
    build_seconds: float | None = None
    fallback_nodes: list[str] | None = None
    from_cache: bool | None = None


class ReportFailure(_Strict):
    name: str
    status: Literal["skipped"] | None = None
    detail: str | None


class ReportTiming(_Strict):
    elapsed_s: float | None
    time_budget_s: float | None = Field(description="the budget the search ran with (after raise_to)")
    requested_time_budget_s: float | None = Field(
        default=None, description="the budget the request named, where it was below the model's minimum")
    time_budget_raised_because: str | None = Field(
        default=None, description="what the minimum buys: why a smaller requested budget was raised")
    cache_hit: bool
    cache_entry_measured_at: float | None = Field(description="unix time of the tuning-cache entry used")


class ReportV2(_Strict):
    """The optimization report (DESIGN.md, "The report"), report_version 2."""

    model_config = ConfigDict(extra="forbid", title="Report")

    report_version: Literal[2]
    recipe: Literal["lossless", "bf16", "int8", "auto"]
    model: ReportModel
    software_context: dict[str, str | None] = Field(description="package versions, python and os")
    hardware_context: ReportHardwareContext
    diagnosis: ReportDiagnosis
    optimizations: list[ReportOptimization]
    overall: ReportOverall
    kernels: ReportKernels
    accuracy: ReportAccuracy
    shapes: list[ReportShape]
    candidates: list[ReportCandidate]
    fallback_nodes: list[str] = Field(description="nodes the chosen INT8 graph keeps in float")
    failures: list[ReportFailure]
    timing: ReportTiming
    runtime: Runtime = Field(description="the package's runtime.json")

    @classmethod
    def from_json(cls, text: str | bytes) -> "ReportV2":
        """Read a report, ignoring fields this version does not know (a newer writer's additions)."""
        return cls.model_validate_json(text, extra="ignore")

    def to_json(self) -> str:
        """The report as `report.json` holds it; fields the writer left out stay out."""
        return json.dumps(self.model_dump(mode="json", exclude_unset=True), indent=2)


def validate_written(text: str) -> ReportV2:
    """Check a report this version is about to write against its own contract, strictly."""
    try:
        return ReportV2.model_validate_json(text, strict=True)
    except ValidationError as exc:
        raise ReportContractError(f"the report does not match its contract (report_version {REPORT_VERSION}): "
                                  f"{exc}") from exc


def report_json_schema() -> dict:
    return ReportV2.model_json_schema()

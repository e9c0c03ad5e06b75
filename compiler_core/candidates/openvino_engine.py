"""OpenVINO as a second engine (its own runtime: onnxruntime-ep-openvino fails on AMD CPUs).

f32 is lossless; bf16 sets INFERENCE_PRECISION_HINT where the CPU has avx512_bf16
or AMX (onnxruntime's CPU provider has no BF16 kernels); INT8 goes through NNCF
post-training quantization, with model_type TRANSFORMER for encoders (plain
NNCF INT8 wrecks their accuracy). A model OpenVINO cannot convert fails this
candidate only.
"""

from __future__ import annotations

import copy
import importlib.util
import logging

from .base import BuildContext, Candidate, GraphPass, openvino_runtime, save_model
from .spec import CandidateSpec, OpenVinoConfig


def _convertible(ctx: BuildContext) -> None:
    """Convert once up front so an unsupported op reads as a clear failure, not a compile traceback."""
    if "openvino_convert_error" in ctx.shared:
        raise RuntimeError(ctx.shared["openvino_convert_error"])
    if ctx.shared.get("openvino_converts"):
        return
    import openvino as ov

    try:
        ov.Core().read_model(str(ctx.model_path))
    except Exception as exc:
        ctx.shared["openvino_convert_error"] = f"OpenVINO cannot convert this model: {_essential(str(exc))}"
        raise RuntimeError(ctx.shared["openvino_convert_error"]) from exc
    ctx.shared["openvino_converts"] = True


def _essential(message: str) -> str:
    """OpenVINO errors start with C++ source locations; keep the lines a user can act on."""
    lines = [line.strip(" -") for line in message.splitlines() if line.strip()]
    useful = [line for line in lines if not line.startswith(("Exception from", "Check '"))]
    return "; ".join(useful)[:400] or message[:400]


class OpenVino(GraphPass[OpenVinoConfig]):
    """The original graph on OpenVINO's CPU plugin: f32, bf16 inference precision, or NNCF INT8."""

    config_type = OpenVinoConfig

    def why_not(self, ctx: BuildContext, config: OpenVinoConfig) -> str | None:
        if importlib.util.find_spec("openvino") is None:
            return "OpenVINO is not installed"
        if config.precision == "bf16" and not ctx.hardware.get("has_bf16"):
            return "the CPU has neither avx512_bf16 nor AMX: BF16 would be emulated"
        if config.precision == "int8":
            if importlib.util.find_spec("nncf") is None:
                return "NNCF is not installed"
            if ctx.workload in ("other",):
                return "nothing to quantize"
        return None

    def _build(self, ctx: BuildContext, config: OpenVinoConfig) -> Candidate:
        _convertible(ctx)
        spec = CandidateSpec(graph=config)
        if config.precision == "f32":
            return Candidate(spec=spec, engine="openvino", precision="fp32", model_path=ctx.model_path,
                             runtime=openvino_runtime(ctx.threads, "f32", "fp32"),
                             detail="OpenVINO CPU plugin, f32 inference precision, latency hint")
        if config.precision == "bf16":
            return Candidate(spec=spec, engine="openvino", precision="bf16", model_path=ctx.model_path,
                             runtime=openvino_runtime(ctx.threads, "bf16", "bf16"),
                             detail="OpenVINO CPU plugin, bf16 inference precision (avx512_bf16)")
        return _nncf_int8(ctx, spec)


def _nncf_int8(ctx: BuildContext, spec: CandidateSpec) -> Candidate:
    import nncf

    logging.getLogger("nncf").setLevel(logging.ERROR)
    batches = ctx.calibration()
    transformer = ctx.workload == "transformer"
    hint = "bf16" if ctx.hardware.get("has_bf16") else "f32"  # layers left in float run in bf16 where it is fast

    def build(excluded: list[str]) -> Candidate:
        options = {}
        if transformer:
            options["model_type"] = nncf.ModelType.TRANSFORMER
        if excluded:
            options["ignored_scope"] = nncf.IgnoredScope(names=list(excluded))
        quantized = nncf.quantize(copy.deepcopy(ctx.model), nncf.Dataset(batches), subset_size=len(batches),
                                  preset=nncf.QuantizationPreset.MIXED if transformer else nncf.QuantizationPreset.PERFORMANCE,
                                  **options)
        path = save_model(quantized, ctx.path_for(f"openvino_int8_{len(excluded)}"))
        candidate = Candidate(
            spec=spec, engine="openvino", precision="int8" if not excluded else "mixed", model_path=path,
            runtime=openvino_runtime(ctx.threads, hint, "int8" if not excluded else "mixed"),
            detail=(f"NNCF post-training INT8 ({'model_type TRANSFORMER, ' if transformer else ''}"
                    f"{len(batches)} calibration batches) on OpenVINO, float layers in {hint}"),
            extra={"rank_sensitivity": lambda feeds: _rank_nncf(ctx, path, feeds)},
        )
        candidate.rebuild_excluding = build
        return candidate

    return build([])


def _rank_nncf(ctx: BuildContext, path, feeds):
    from .int8_onnxruntime import rank_by_local_error

    names = [n.name for n in ctx.model.graph.node if n.op_type in ("Conv", "MatMul", "Gemm") and n.name]
    return rank_by_local_error(ctx.model, path, feeds, names)

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

from .base import BuildContext, Candidate, CandidateUnavailable, openvino_runtime, save_model


def _require_openvino() -> None:
    if importlib.util.find_spec("openvino") is None:
        raise CandidateUnavailable("OpenVINO is not installed")


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


def openvino_f32(ctx: BuildContext) -> Candidate:
    _require_openvino()
    _convertible(ctx)
    return Candidate(name="openvino_f32", engine="openvino", precision="fp32", model_path=ctx.model_path,
                     runtime=openvino_runtime(ctx.threads, "f32", "fp32"),
                     detail="OpenVINO CPU plugin, f32 inference precision, latency hint")


def openvino_bf16(ctx: BuildContext) -> Candidate:
    _require_openvino()
    if not ctx.hardware.get("has_bf16"):
        raise CandidateUnavailable("the CPU has neither avx512_bf16 nor AMX: BF16 would be emulated")
    _convertible(ctx)
    return Candidate(name="openvino_bf16", engine="openvino", precision="bf16", model_path=ctx.model_path,
                     runtime=openvino_runtime(ctx.threads, "bf16", "bf16"),
                     detail="OpenVINO CPU plugin, bf16 inference precision (avx512_bf16)")


def openvino_int8(ctx: BuildContext) -> Candidate:
    _require_openvino()
    if importlib.util.find_spec("nncf") is None:
        raise CandidateUnavailable("NNCF is not installed")
    if ctx.workload in ("other",):
        raise CandidateUnavailable("nothing to quantize")
    _convertible(ctx)
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
            name="openvino_int8", engine="openvino", precision="int8" if not excluded else "mixed", model_path=path,
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

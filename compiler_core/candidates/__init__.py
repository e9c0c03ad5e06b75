"""The passes that make candidates, and which graph passes each recipe tries (in this order).

A candidate is a `CandidateSpec` (spec.py): a graph pass with its typed config, then the settings
applied on top. `search_specs(recipe)` lists the graph passes a search tries; `build_graph`
builds one; `apply_setting` adds a setting to a built candidate.
"""

from __future__ import annotations

from .base import BuildContext, Candidate, CandidateUnavailable, GraphPass, SettingPass
from .graph_fusions import OnnxscriptFusions, OrtTransformers
from .int8_onnxruntime import Int8Dynamic, Int8Static
from .onnxruntime_fp32 import Original
from .openvino_engine import OpenVino
from .session_tuning import SessionTuning, session_variants
from .specialization import StaticShapes
from .spec import (ORIGINAL, CandidateSpec, Int8DynamicConfig, Int8StaticConfig, OnnxscriptFusionsConfig,
                   OpenVinoConfig, OrtTransformersConfig, SessionConfig, StaticShapesConfig)

RECIPES = ("lossless", "bf16", "int8", "auto")

# One instance per pass, by its config's kind.
GRAPH_PASSES: dict[str, GraphPass] = {
    p.config_type.model_fields["kind"].default: p
    for p in (Original(), OrtTransformers(), OnnxscriptFusions(), OpenVino(), Int8Dynamic(), Int8Static())
}
SETTING_PASSES: dict[str, SettingPass] = {
    p.config_type.model_fields["kind"].default: p for p in (SessionTuning(), StaticShapes())
}


def search_specs(recipe: str) -> list[CandidateSpec]:
    """The graph passes `recipe` tries. Cheap, likely winners first: under a time budget the tail is
    what gets skipped. Passes that do not apply to the model or machine are still listed (they are
    reported as skipped, with the reason)."""
    if recipe not in RECIPES:
        raise ValueError(f"unknown recipe {recipe!r}")
    configs = [OrtTransformersConfig(), OnnxscriptFusionsConfig(), OpenVinoConfig(precision="f32")]
    if recipe in ("bf16", "auto"):
        configs.append(OpenVinoConfig(precision="bf16"))
    if recipe in ("int8", "auto"):
        configs += [
            Int8DynamicConfig(),
            Int8DynamicConfig(per_channel=False),
            Int8DynamicConfig(fused_graph=True),
            Int8DynamicConfig(fused_graph=True, per_channel=False),
            OpenVinoConfig(precision="int8"),
            Int8StaticConfig(),
        ]
    return [CandidateSpec(graph=config) for config in configs]


def build_graph(spec: CandidateSpec, ctx: BuildContext) -> Candidate:
    """The candidate of a graph pass alone (`spec` has no settings)."""
    if spec.settings:
        raise ValueError(f"{spec.name} has settings: build its graph, then apply_setting each")
    return GRAPH_PASSES[spec.graph.kind].build(ctx, spec.graph)


def apply_setting(base: Candidate, setting: SessionConfig | StaticShapesConfig, ctx: BuildContext) -> Candidate:
    """`base` with one more setting; the result's spec has `base.spec` as its parent."""
    return SETTING_PASSES[setting.kind].build(ctx, base, setting)


__all__ = ["BuildContext", "Candidate", "CandidateUnavailable", "CandidateSpec", "GraphPass", "SettingPass",
           "GRAPH_PASSES", "SETTING_PASSES", "ORIGINAL", "RECIPES", "apply_setting", "build_graph", "search_specs",
           "session_variants"]

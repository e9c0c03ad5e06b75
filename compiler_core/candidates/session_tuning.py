"""Session tuning: the same graph under different engine settings.

Applied to the best graph found (not only the original), because the right thread
count and execution mode depend on the kernels the graph ends up with.
"""

from __future__ import annotations

import copy

from .base import BuildContext, Candidate, SettingPass
from .spec import SessionConfig

# What each setting does, as the report's detail says it.
_ORT_DETAIL = {
    "single_thread": "one intra-op thread (less synchronisation on small kernels)",
    "no_spinning": "intra-op threads do not spin while waiting",
    "extended_graph": "graph level ORT_ENABLE_EXTENDED (no layout transforms)",
    "basic_graph": "graph level ORT_ENABLE_BASIC (constant folding and redundant-node removal only)",
}


class SessionTuning(SettingPass[SessionConfig]):
    config_type = SessionConfig

    def offered(self, ctx: BuildContext, base: Candidate) -> list[SessionConfig]:
        offered: list[SessionConfig] = []
        if base.engine == "onnxruntime":
            if ctx.threads >= 2:
                offered += [SessionConfig(threads=1), SessionConfig(spinning=False)]
            if base.runtime["session_options"].get("graph_optimization_level") == "ORT_ENABLE_ALL":
                # ENABLE_ALL adds layout transforms (NCHWc blocking) whose reorders can cost more than
                # they save on small tensors, and on graphs another fuser already rewrote.
                offered += [SessionConfig(graph_level="ORT_ENABLE_EXTENDED"), SessionConfig(graph_level="ORT_ENABLE_BASIC")]
            if ctx.threads >= 2 and len(ctx.signature["outputs"]) >= 2:
                # Only graphs with several heads have branches to run concurrently; elsewhere the
                # inter-op pool only adds hand-offs (measured: up to 100x slower on a busy host).
                offered.append(SessionConfig(parallel_inter_op_threads=2))
        elif base.engine == "openvino":
            if ctx.threads >= 2:
                offered.append(SessionConfig(threads=1))
            offered.append(SessionConfig(hyperthreading=False))
        return offered

    def why_not(self, ctx: BuildContext, base: Candidate, config: SessionConfig) -> str | None:
        if base.engine == "openvino" and (config.spinning is not None or config.graph_level is not None
                                          or config.parallel_inter_op_threads is not None):
            return f"{config.name} is an onnxruntime session option"
        if base.engine == "onnxruntime" and config.hyperthreading is not None:
            return f"{config.name} is an OpenVINO option"
        if base.engine not in ("onnxruntime", "openvino"):
            return f"no session settings for the {base.engine} engine"
        return None

    def _build(self, ctx: BuildContext, base: Candidate, config: SessionConfig) -> Candidate:
        runtime = copy.deepcopy(base.runtime)
        if base.engine == "onnxruntime":
            detail = self._onnxruntime(runtime["session_options"], config)
        else:
            detail = self._openvino(runtime["config"], config)
        return Candidate(spec=base.spec.with_setting(config), engine=base.engine, precision=base.precision,
                         model_path=base.model_path, runtime=runtime, detail=f"{base.detail}; {detail}",
                         extra=dict(base.extra))

    @staticmethod
    def _onnxruntime(options: dict, config: SessionConfig) -> str:
        if config.threads is not None:
            options.update(intra_op_num_threads=config.threads)
            return _ORT_DETAIL["single_thread"] if config.threads == 1 else f"{config.threads} intra-op threads"
        if config.spinning is not None:
            options["config_entries"].update({"session.intra_op.allow_spinning": "1" if config.spinning else "0"})
            return _ORT_DETAIL["no_spinning"] if not config.spinning else "intra-op threads spin while waiting"
        if config.graph_level is not None:
            options.update(graph_optimization_level=config.graph_level)
            return _ORT_DETAIL[config.name]
        threads = config.parallel_inter_op_threads
        options.update(execution_mode="ORT_PARALLEL", inter_op_num_threads=threads)
        return f"ORT_PARALLEL execution mode, {threads} inter-op threads"

    @staticmethod
    def _openvino(options: dict, config: SessionConfig) -> str:
        if config.threads is not None:
            options.update(INFERENCE_NUM_THREADS=config.threads)
            return "one inference thread" if config.threads == 1 else f"{config.threads} inference threads"
        options.update(ENABLE_HYPER_THREADING=config.hyperthreading, ENABLE_CPU_PINNING=config.hyperthreading)
        return "physical cores only, no CPU pinning" if not config.hyperthreading else "hyper-threading and CPU pinning"


def session_variants(base: Candidate, ctx: BuildContext) -> list[Candidate]:
    """The session settings worth trying on `base`, built, in the order they are tried."""
    tuning = SessionTuning()
    return [tuning.build(ctx, base, config) for config in tuning.offered(ctx, base)]

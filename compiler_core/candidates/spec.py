"""What a candidate is, as data: the graph pass that made it, then the settings applied on top.

Each pass has a typed config (after the onnxscript rewriter's and Olive's passes): a variant is a
parameter, not a string. `CandidateSpec(graph=Int8DynamicConfig(per_channel=False),
settings=(SessionConfig(spinning=False),))` is the candidate shown as
`int8_dynamic_per_tensor+no_spinning`. The display `name` is derived from the spec and never read
back: which graph pass a candidate is, and which candidate a setting was added to (its `parent`),
come from the spec. Specs are frozen (hashable, usable as keys) and serialise to JSON, which is how
the tuning cache remembers what won.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal, Union

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, ValidationError, model_validator


class _Config(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    @property
    def name(self) -> str:
        return self.kind  # type: ignore[attr-defined]

    @property
    def quantizes(self) -> bool:
        """An INT8 pass: calibration and per-node fallback make it the search's expensive part."""
        return False


# -- graph passes: each makes a model file and the runtime that runs it -------------------------

class OriginalConfig(_Config):
    """The graph as given, under onnxruntime's defaults (the baseline)."""
    kind: Literal["original"] = "original"


class OrtTransformersConfig(_Config):
    """onnxruntime.transformers' BERT fusions."""
    kind: Literal["ort_transformers"] = "ort_transformers"


class OnnxscriptFusionsConfig(_Config):
    """onnxscript's rewriter, ort_fusions rule set."""
    kind: Literal["onnxscript_fusions"] = "onnxscript_fusions"


class OpenVinoConfig(_Config):
    """The OpenVINO CPU plugin: f32, bf16 inference precision, or NNCF post-training INT8."""
    kind: Literal["openvino"] = "openvino"
    precision: Literal["f32", "bf16", "int8"] = "f32"

    @property
    def name(self) -> str:
        return f"openvino_{self.precision}"

    @property
    def quantizes(self) -> bool:
        return self.precision == "int8"


class Int8DynamicConfig(_Config):
    """onnxruntime dynamic INT8."""
    kind: Literal["int8_dynamic"] = "int8_dynamic"
    per_channel: bool = True     # one weight scale per output channel (else per tensor)
    fused_graph: bool = False    # quantize the transformer-fused graph (Attention -> QAttention)

    @property
    def name(self) -> str:
        return "int8_dynamic" + ("_fused" if self.fused_graph else "") + ("" if self.per_channel else "_per_tensor")

    @property
    def quantizes(self) -> bool:
        return True


class Int8StaticConfig(_Config):
    """onnxruntime static QDQ INT8 (percentile calibration, per-channel weights)."""
    kind: Literal["int8_static"] = "int8_static"

    @property
    def quantizes(self) -> bool:
        return True


GraphConfig = Annotated[
    Union[OriginalConfig, OrtTransformersConfig, OnnxscriptFusionsConfig, OpenVinoConfig, Int8DynamicConfig,
          Int8StaticConfig],
    Field(discriminator="kind"),
]


# -- settings: the same graph under other engine options ----------------------------------------

GraphLevel = Literal["ORT_ENABLE_EXTENDED", "ORT_ENABLE_BASIC"]


_SESSION_OPTIONS = ("threads", "spinning", "graph_level", "parallel_inter_op_threads", "hyperthreading")


class SessionConfig(_Config):
    """One engine setting changed; several settings are several steps, each with its own parent."""
    kind: Literal["session"] = "session"
    threads: int | None = Field(default=None, ge=1)   # onnxruntime intra-op threads; OpenVINO inference threads
    spinning: bool | None = None                       # onnxruntime intra-op threads spin while waiting
    graph_level: GraphLevel | None = None              # onnxruntime graph optimization level
    parallel_inter_op_threads: int | None = Field(default=None, ge=2)  # ORT_PARALLEL with this many inter-op threads
    hyperthreading: bool | None = None                 # OpenVINO hyper-threading (and CPU pinning)

    @model_validator(mode="after")
    def _one_change(self) -> "SessionConfig":
        changed = [field for field in _SESSION_OPTIONS if getattr(self, field) is not None]
        if len(changed) != 1:
            raise ValueError(f"a session setting changes exactly one option, got {changed or 'none'}")
        return self

    @property
    def name(self) -> str:
        if self.threads is not None:
            return "single_thread" if self.threads == 1 else f"threads_{self.threads}"
        if self.spinning is not None:
            return "spinning" if self.spinning else "no_spinning"
        if self.graph_level is not None:
            return {"ORT_ENABLE_EXTENDED": "extended_graph", "ORT_ENABLE_BASIC": "basic_graph"}[self.graph_level]
        if self.parallel_inter_op_threads is not None:
            threads = self.parallel_inter_op_threads
            return "parallel" if threads == 2 else f"parallel_{threads}"
        return "hyperthreading" if self.hyperthreading else "no_hyperthreading"


class StaticShapesConfig(_Config):
    """Copies of the graph with the concrete shapes of the shape set; the dynamic graph answers the rest."""
    kind: Literal["static_shapes"] = "static_shapes"


SettingConfig = Annotated[Union[SessionConfig, StaticShapesConfig], Field(discriminator="kind")]


class CandidateSpec(_Config):
    """A graph pass with its config, then the settings applied on top, in order."""
    graph: GraphConfig
    settings: tuple[SettingConfig, ...] = ()

    @property
    def name(self) -> str:
        """The name reports, progress messages and tests show, e.g. `int8_static+no_spinning`."""
        return "+".join([self.graph.name] + [setting.name for setting in self.settings])

    @property
    def parent(self) -> "CandidateSpec | None":
        """The same candidate without its last setting; None for a graph pass on its own."""
        if not self.settings:
            return None
        return CandidateSpec(graph=self.graph, settings=self.settings[:-1])

    @property
    def root(self) -> "CandidateSpec":
        """The graph pass alone, without any setting."""
        return CandidateSpec(graph=self.graph)

    def with_setting(self, setting: SessionConfig | StaticShapesConfig) -> "CandidateSpec":
        return CandidateSpec(graph=self.graph, settings=self.settings + (setting,))

    def has_setting(self, kind: type[_Config]) -> bool:
        return any(isinstance(setting, kind) for setting in self.settings)

    def to_json(self) -> dict[str, Any]:
        # Unset session options are left out: an entry reads as the one option it changes.
        return self.model_dump(mode="json", exclude_none=True)

    @classmethod
    def from_json(cls, value: Any) -> "CandidateSpec":
        """A spec from `to_json`'s output; ValueError when it is not one."""
        try:
            return _SPEC.validate_python(value)
        except ValidationError as exc:
            raise ValueError(f"not a candidate spec: {exc.errors()[0]['msg']}") from exc

    def __str__(self) -> str:
        return self.name


_SPEC = TypeAdapter(CandidateSpec)

ORIGINAL = CandidateSpec(graph=OriginalConfig())

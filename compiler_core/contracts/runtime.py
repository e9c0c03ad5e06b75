"""The runtime's contract: what `runtime.json` holds, the engine and settings a package is served with.

The candidate that won wrote it (`candidates.base.ort_runtime` / `openvino_runtime`, then session
tuning, specialization and shape routing); `package.write_package` validates it strictly against
this contract before writing; `compiler_core.runtime.load_package` (and so serving and `python -m
compiler_core run`), the Triton export and serving's thread placement read it through
`Runtime.from_json`, leniently: fields a newer writer added are kept, and fields the readers have
always defaulted may be absent. What a package may ask of the engine that opens it (session
options, config entries, providers, OpenVINO properties, libraries) is held to the lists in
`compiler_core.package_policy`, whatever this contract admits. The report's `runtime` is this contract too.
"""

from __future__ import annotations

from typing import Annotated, ClassVar, Literal, Union

from pydantic import ConfigDict, Field, RootModel

from ._base import ContractIO, Strict

MODEL_FILE = "model.onnx"
Precision = Literal["fp32", "bf16", "int8", "mixed"]


class OrtSessionOptions(Strict):
    """onnxruntime.SessionOptions, as set before the session is created."""

    model_config = ConfigDict(extra="forbid", title="OrtSessionOptions")

    intra_op_num_threads: int = Field(default=0, ge=0, description="threads one run uses; 0: onnxruntime's default")
    inter_op_num_threads: int = Field(default=0, ge=0, description="threads for parallel branches (ORT_PARALLEL)")
    graph_optimization_level: Literal["ORT_DISABLE_ALL", "ORT_ENABLE_BASIC", "ORT_ENABLE_EXTENDED",
                                      "ORT_ENABLE_LAYOUT", "ORT_ENABLE_ALL"] = "ORT_ENABLE_ALL"
    execution_mode: Literal["ORT_SEQUENTIAL", "ORT_PARALLEL"] = "ORT_SEQUENTIAL"
    config_entries: dict[str, str] = Field(
        default_factory=dict, description="session config entries, e.g. session.intra_op.allow_spinning: '0'")


class _Engine(Strict):
    model: str = Field(default=MODEL_FILE, description="the graph's file, in the package folder")
    precision: Precision = Field(
        description="fp32, bf16, int8, or mixed (INT8 with sensitive nodes kept in float)")


class OnnxRuntimeSettings(_Engine):
    model_config = ConfigDict(extra="forbid", title="OnnxRuntimeSettings")

    engine: Literal["onnxruntime"]
    providers: list[str] = Field(default_factory=lambda: ["CPUExecutionProvider"])
    session_options: OrtSessionOptions = Field(default_factory=OrtSessionOptions)
    custom_op_libraries: list[str] = Field(default_factory=list, description="shared libraries registered "
                                                                              "with the session")


class OpenVinoSettings(_Engine):
    model_config = ConfigDict(extra="forbid", title="OpenVinoSettings")

    engine: Literal["openvino"]
    device: str = Field(default="CPU", description="OpenVINO's device name")
    config: dict[str, str | int | float | bool] = Field(
        default_factory=dict, description="compile_model properties: INFERENCE_PRECISION_HINT, PERFORMANCE_HINT, "
                                          "INFERENCE_NUM_THREADS, ...")


EngineSettings = Annotated[Union[OnnxRuntimeSettings, OpenVinoSettings], Field(discriminator="engine")]


class Specialization(Strict):
    """A graph for one exact set of input shapes; a call whose inputs have exactly these shapes runs it."""

    model_config = ConfigDict(extra="forbid", title="Specialization")

    shape: str = Field(description="the shape's label, e.g. batch=4,seq=128")
    input_shapes: dict[str, list[int]] = Field(description="each input's exact shape")
    model: str = Field(description="the specialized graph's file, in the package folder")
    candidate: str | None = Field(default=None, description="a routed shape: the candidate that won at it")
    runtime: EngineSettings | None = Field(
        default=None, description="a routed shape: that candidate's own engine and settings (else the package's)")


class OnnxRuntimeRuntime(OnnxRuntimeSettings):
    model_config = ConfigDict(extra="forbid", title="OnnxRuntimeRuntime")

    specializations: list[Specialization] | None = None


class OpenVinoRuntime(OpenVinoSettings):
    model_config = ConfigDict(extra="forbid", title="OpenVinoRuntime")

    specializations: list[Specialization] | None = None


class Runtime(ContractIO, RootModel[Annotated[Union[OnnxRuntimeRuntime, OpenVinoRuntime], Field(discriminator="engine")]]):
    """runtime.json: the engine a package runs on and exactly how it was measured."""

    model_config = ConfigDict(title="Runtime")
    READ_EXTRA: ClassVar[str] = "allow"
    NAME: ClassVar[str] = "runtime.json"

    @classmethod
    def from_data(cls, data) -> "Runtime":
        """Read runtime.json leniently: keep fields a newer writer added; an absent engine is onnxruntime
        (as every reader has assumed)."""
        if isinstance(data, dict) and "engine" not in data:
            data = {"engine": "onnxruntime", **data}
        return super().from_data(data)

    @classmethod
    def read(cls, text: str | bytes) -> dict:
        """runtime.json as written, checked against the contract, with an absent engine filled in."""
        data = super().read(text)
        return {"engine": "onnxruntime", **data} if isinstance(data, dict) else data


def runtime_json_schema() -> dict:
    return Runtime.model_json_schema()

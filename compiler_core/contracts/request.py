"""The optimization request's contract: what a caller asks `optimize` for, typed once, here.

Every default and bound lives on a field below, and everything else derives from them:
`compiler_core.optimize(..., request=OptimizationRequest(...))` (and its keyword arguments), the
command line's flags, defaults and help (`compiler_core.cli`), the worker's child (which reads the
job's options JSON through `OptimizationRequest.from_options`), the API's request serializer and
its OpenAPI component (`platform/jobs/api`), and the console's defaults (generated from that
component). `schemas/request.schema.json` is this model's JSON Schema.

`caller` says whose words the messages use: the command line names flags (`--shapes`,
`--calibration DIR`), the API and Python name fields (`shapes`, attached calibration files). The
compiler core words its own errors with `terms(caller)` rather than raising codes for each front end
to reword: the sentence is built where the facts are (the model's dims, the syntax), once.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar, Literal

from pydantic import ConfigDict, Field, StrictInt, ValidationError

from ._base import Contract, describe

Recipe = Literal["lossless", "bf16", "int8", "auto"]  # the order the API, the report and the CLI list them
Target = Literal["cpu", "gpu"]
Caller = Literal["cli", "api"]
# A shape set as data: {"batch": [1, 4]} (every combination) or [{"batch": 1}, {"batch": 4}].
# Strict: True and 1.5 are not sizes (the shape parser says so in the caller's words).
ShapeSet = dict[str, StrictInt | list[StrictInt]] | list[dict[str, StrictInt]]

SHAPES_HELP = ("The shape set to measure. ONNX and torch.export (.pt2) models: values of the dynamic dims, "
               "'batch=1,4,16;seq=32,128' (every combination) or a JSON list of {dim: value} objects; "
               "default: derived from the dims' names (batch 1/4/16, sequence 128/32/512). TorchScript models: "
               "each input named with its sizes, 'input:1x16[:dtype];mask:1x16:int64' (required).")

# The budget the lossless recipe measures against, whatever the request's accuracy_budget says.
LOSSLESS_BUDGET = 0.9999


class OptimizationRequest(Contract):
    """What to optimize for: recipe, accuracy budget, shapes, calibration data, time, threads, target."""

    model_config = ConfigDict(extra="forbid", title="OptimizationRequest")
    NAME: ClassVar[str] = "optimization request"

    recipe: Recipe = Field(
        default="auto", description="auto tries every recipe and keeps the fastest within the accuracy budget; "
                                    "lossless: fp32 fusions and tuning only; bf16; int8")
    accuracy_budget: float = Field(
        default=0.99, gt=0, le=1,
        description="Minimum cosine similarity to the fp32 original on every output: greater than 0, at most 1. "
                    f"The lossless recipe measures against its own stricter {LOSSLESS_BUDGET}.",
        # The console shows the budget a recipe fixes from here, not from a copy of the number.
        json_schema_extra={"x-recipe-budgets": {"lossless": LOSSLESS_BUDGET}})
    shapes: str | ShapeSet | None = Field(default=None, description=SHAPES_HELP)
    calibration: str | None = Field(
        default=None, description="A directory of .npz files, each one batch of arrays named like the model's "
                                  "inputs, for INT8 calibration and the accuracy check; default: inputs generated "
                                  "from the signature.")
    calibration_label: str | None = Field(
        default=None, max_length=200,
        description="What the report calls the calibration data (the platform: 'example inputs of version 3'); "
                    "default: the directory's path.")
    output_kinds: str | dict[str, str] | None = Field(
        default=None,
        description="How each output's accuracy is judged, where the graph does not say it: 'name=kind;...' or "
                    "{name: kind}, kind one of class_scores, sequence_logits, "
                    "detections[:BOX_ROWS[+obj][+CLASSES]][,anchors-first][,grid=HxW/STRIDE+...] (YOLOv8: "
                    "detections:4; YOLOv5: detections:4+obj,anchors-first; raw YOLOX-s at 640x640: "
                    "detections:4+obj,anchors-first,grid=80x80/8+40x40/16+20x20/32), detections@BOX_OUTPUT (scores and boxes in two outputs), "
                    "mask, regression, embedding, values; default: read from the graph (compiler_core/output_kinds.py).")
    time_budget_s: float | None = Field(
        default=None, gt=0, description="Seconds the search may take; default: no limit (every candidate is tried). "
                                         "A budget below the model's minimum (the fp32 passes, session settings "
                                         "and runoff at its latency, at least 10 s) is raised to it, and the "
                                         "report says so.")
    threads: int | None = Field(default=None, ge=1, description="Threads the package runs with; default: the CPUs "
                                                                 "this process may use.")
    target: Target = Field(default="cpu", description="The hardware the package is for.")
    hardware_class: str | None = Field(
        default=None, max_length=80,
        description="The class of machine to optimize for, e.g. x86_64-amd-avx512vnni-bf16 (GET /api/v1/hardware/ "
                    "lists those online); the job runs only on a worker of that class, and waits for one. 'all': one "
                    "job per class online (serving engines' and workers'). Default: the serving engines' class when "
                    "they are all of one class, else WHETSTONE_DEFAULT_HARDWARE_CLASS, else the workers' class. The "
                    "compiler core itself measures on the machine it runs on (compiler_core.hardware).")
    caller: Caller = Field(
        default="api", description="Whose words messages use: 'cli' names command-line flags (--shapes), 'api' "
                                   "names request fields (shapes), as the API and Python callers spell them.")

    @classmethod
    def from_options(cls, options: dict) -> "OptimizationRequest":
        """A job's options JSON (the platform's job row) as a request: the contract's fields are read, the
        platform's own bookkeeping (`calibration_prefix`, ...) is not the compiler core's to read.
        Empty strings are absent values, as the API's form sends them. Out of bounds: OptimizationError."""
        from ..errors import OptimizationError

        known = {name: value for name, value in options.items()
                 if name in cls.model_fields and value not in ("", None)}
        try:
            return cls.model_validate(known)
        except ValidationError as exc:
            raise OptimizationError(f"the job's options are not a valid optimization request: {describe(exc)}") from exc


def request_from(request: OptimizationRequest | None = None, **options) -> OptimizationRequest:
    """The request `optimize` runs: `request`, or one built from its keyword arguments (those left None
    take the contract's defaults). Both at once is a mistake, refused rather than merged. A value out
    of the contract's bounds is an OptimizationError naming the field."""
    from ..errors import OptimizationError

    given = {name: value for name, value in options.items() if value is not None}
    if request is not None:
        if given:
            raise TypeError(f"optimize() takes request= or the keyword arguments {sorted(given)}, not both")
        return request
    # calibration_dir= is the keyword's name since before the contract, which calls it calibration.
    if "calibration_dir" in given:
        given["calibration"] = str(given.pop("calibration_dir"))
    try:
        return OptimizationRequest(**given)
    except ValidationError as exc:
        # Named as the caller gives them: --accuracy-budget on the command line, accuracy_budget elsewhere.
        words = terms("cli" if given.get("caller") == "cli" else "api")
        problems = []
        for error in exc.errors():
            name = str(error["loc"][0]) if error["loc"] else ""
            problems.append(f"{words.field(name) if name in CLI_FLAGS else name}: {error['msg']}")
        raise OptimizationError(f"the optimization request is invalid: {'; '.join(problems)}") from exc


def default(name: str):
    """The contract's default for one field: the one place it is written."""
    return OptimizationRequest.model_fields[name].get_default(call_default_factory=True)


def bounds(name: str) -> dict[str, float]:
    """The contract's numeric bounds for one field: {"gt"|"ge"|"lt"|"le": value}."""
    found: dict[str, float] = {}
    for item in OptimizationRequest.model_fields[name].metadata:
        for key in ("gt", "ge", "lt", "le"):
            if getattr(item, key, None) is not None:
                found[key] = getattr(item, key)
    return found


def choices(name: str) -> list[str]:
    from typing import get_args

    return list(get_args(OptimizationRequest.model_fields[name].annotation))


# The command line's flag for each field (compiler_core.cli builds its parser from these).
CLI_FLAGS = {"recipe": "--recipe", "accuracy_budget": "--accuracy-budget", "shapes": "--shapes",
             "calibration": "--calibration", "output_kinds": "--output-kinds", "time_budget_s": "--time-budget",
             "threads": "--threads"}


@dataclass(frozen=True)
class Terms:
    """How one kind of caller names the request's fields, for messages."""

    caller: Caller

    def field(self, name: str) -> str:
        return CLI_FLAGS[name] if self.caller == "cli" else name

    @property
    def give_calibration(self) -> str:
        if self.caller == "cli":
            return "give --calibration DIR (a directory of .npz files of real inputs)"
        return "attach calibration data (.npz files of real inputs)"


def terms(caller: Caller) -> Terms:
    return Terms(caller)


def request_json_schema() -> dict:
    return OptimizationRequest.model_json_schema()

"""optimize(): the recipe, step by step, and the state the steps share.

Every decision is made on numbers measured in this run on this machine: a candidate is kept only
if it meets the accuracy budget against the fp32 original on the same inputs, and only wins if it
beats the baseline (measured interleaved with it) by more than the measured noise. Otherwise the
original ships, and the report says so.
"""

from __future__ import annotations

import contextlib
import logging
import shutil
import tempfile
from pathlib import Path
from typing import Any, Callable

from .. import accuracy as acc
from ..calibration import CALIBRATING_RECIPES, Examples, example_inputs
from ..contracts.request import OptimizationRequest, request_from, terms
from ..deadline import Deadline
from ..errors import Cancelled, CompilerCoreError, OptimizationError, runtime_error_brief
from ..hardware import describe_hardware, usable_cpus
from ..measure import MeasurePlan
from .baseline import measure_baseline
from .inspect import inspect_model
from .package import ship, ship_original
from .route import plan_routes
from .runoff import decide
from .search import Search

log = logging.getLogger(__name__)

Progress = Callable[[str, int, str], None]
# Told the search's time budget in seconds once it is settled: the request's, or the model's minimum
# where that is larger (a job's clock counts down from it, not from what was asked).
TimeBudget = Callable[[float], None]


class Optimization:
    def __init__(self, model_path, out_dir, *, request: OptimizationRequest, progress, should_cancel,
                 time_budget: TimeBudget | None = None):
        # The request's own bounds (recipe, budget in (0, 1], threads >= 1) were checked when it was built.
        # A path, or a live torch.nn.Module (exported in-process: the caller already holds it).
        self.model_path = model_path if hasattr(model_path, "forward") else Path(model_path)
        self.out_dir = Path(out_dir)
        self.request = request
        self.terms = terms(request.caller)  # messages name the request's fields as this caller does
        self.recipe = request.recipe
        self.budget = acc.LOSSLESS_COSINE_BUDGET if self.recipe == "lossless" else float(request.accuracy_budget)
        self.requested_budget = float(request.accuracy_budget)
        self.shapes_spec = request.shapes
        self.output_kinds_spec = request.output_kinds
        self.calibration_dir = request.calibration
        # What the report calls the data of calibration_dir (the platform: "example inputs of version 3").
        self.calibration_label = request.calibration_label
        self._examples: Examples | None = None
        self.deadline = Deadline(request.time_budget_s)
        self.threads = request.threads or usable_cpus()
        self._progress = progress
        self._should_cancel = should_cancel
        self._time_budget = time_budget
        self.hardware = describe_hardware()
        self.failures: list[dict] = []
        self.work_dir: Path | None = None
        self._last_percent = 0

    def examples(self, signature: dict) -> Examples | None:
        """The example inputs of calibration_dir, read and checked once (calibration.Examples), split
        where the recipe has a candidate that calibrates; None without them."""
        if not self.calibration_dir:
            return None
        if self._examples is None:
            self._examples = example_inputs(self.calibration_dir, signature,
                                            split=self.recipe in CALIBRATING_RECIPES)
        return self._examples

    # -- the recipe -----------------------------------------------------------------------
    def run(self) -> dict:
        self.work_dir = Path(tempfile.mkdtemp(prefix="whetstone-"))
        try:
            with refusal_on_fault("reading the model's graph"):
                inspected = inspect_model(self, self.work_dir)              # inspect.py
            with refusal_on_fault("running the original model for the baseline"):
                baseline = measure_baseline(self, inspected)                # baseline.py
            search = Search(self, inspected, baseline)
            try:
                search.run()                                                # search.py
                default, primary_route = decide(self, search.results, baseline, search.holds_on_more_rows)  # runoff.py
                routing = plan_routes(search.ctx, baseline.shape_set, search.results, default, primary_route)  # route.py
                return ship(self, inspected, baseline, search, routing)     # package.py, with report.py
            except (CompilerCoreError, MemoryError):
                raise  # Cancelled is one: a stop, not a fault
            except Exception as exc:  # noqa: BLE001 - a fault in a step after the baseline
                # The original ran and was measured: the user gets it as the package, with the reason,
                # never a bare "failed unexpectedly" for a bug of ours in the search.
                log.exception("optimization step failed after the baseline; shipping the original")
                return ship_original(self, inspected, baseline, search, exc)
        finally:
            shutil.rmtree(self.work_dir, ignore_errors=True)

    # -- what every step uses ---------------------------------------------------------------
    def progress(self, stage: str, percent: int, message: str) -> None:
        percent = max(percent, self._last_percent)  # progress never goes backwards
        self._last_percent = percent
        log.info("[%s %d%%] %s", stage, percent, message)
        if self._progress is None:
            return
        try:
            self._progress(stage, int(max(0, min(100, percent))), message)
        except Cancelled:
            raise
        except Exception:  # a broken progress sink must not cost the user their optimization
            log.exception("progress callback failed")

    def announce_time_budget(self) -> None:
        """Tell the caller the search's time budget as settled (none: nothing to tell)."""
        if self._time_budget is None or self.deadline.seconds is None:
            return
        try:
            self._time_budget(float(self.deadline.seconds))
        except Cancelled:
            raise
        except Exception:  # like progress: a broken sink must not cost the user their optimization
            log.exception("time budget callback failed")

    def should_cancel(self) -> bool:
        return self._should_cancel is not None and bool(self._should_cancel())

    def check_cancel(self) -> None:
        if self.should_cancel():
            raise Cancelled("optimization cancelled")

    def plan(self, latency_ms: float, shapes: int, candidates_left: int) -> MeasurePlan:
        remaining = self.deadline.remaining()
        available = None if remaining is None else remaining * 0.6 / max(1, shapes * candidates_left)
        return MeasurePlan.for_latency(latency_ms, available)


@contextlib.contextmanager
def refusal_on_fault(step: str):
    """A fault of ours before there is a baseline: nothing can ship (there is nothing measured to
    compare with), so the job is refused, with the step, the cause and what the user can give;
    never a bare "failed unexpectedly"."""
    try:
        yield
    except (CompilerCoreError, MemoryError):
        raise
    except Exception as exc:  # noqa: BLE001 - a bug or an unsupported corner of ONNX
        log.exception("fault while %s", step)
        raise OptimizationError(
            f"Whetstone could not handle this model while {step} ({type(exc).__name__}: "
            f"{runtime_error_brief(exc)}). Nothing was changed. If onnxruntime runs the model, name each "
            "dynamic input dim in shapes (input:axis=value) and attach example inputs; if it still fails, "
            "the model's exporter and opset are what to report to the operators") from exc


def optimize(model_path, out_dir, *, request: OptimizationRequest | None = None, recipe: str | None = None,
             accuracy_budget: float | None = None, shapes: Any = None, calibration_dir=None,
             time_budget_s: float | None = None, threads: int | None = None, output_kinds: Any = None,
             calibration_label: str | None = None, progress: Progress | None = None,
             should_cancel: Callable[[], bool] | None = None, time_budget: TimeBudget | None = None) -> dict:
    """Optimize `model_path` for this machine and write a package to `out_dir`; returns the report.

    What to optimize for is `request` (an OptimizationRequest), or the keyword arguments it has
    fields for; a keyword left out takes the contract's default. `time_budget` is told the search's
    time budget once it is settled (raised to the model's minimum where the request's is smaller)."""
    request = request_from(request, recipe=recipe, accuracy_budget=accuracy_budget, shapes=shapes,
                           calibration_dir=calibration_dir, time_budget_s=time_budget_s, threads=threads,
                           output_kinds=output_kinds, calibration_label=calibration_label)
    try:
        return Optimization(model_path, out_dir, request=request, progress=progress,
                            should_cancel=should_cancel, time_budget=time_budget).run()
    except CompilerCoreError:
        raise
    except MemoryError as exc:
        raise OptimizationError("ran out of memory while optimizing; try a smaller shape set") from exc
    except Exception as exc:
        # Each step above names its own faults; what is left is a fault outside them (the work folder).
        raise OptimizationError(f"the optimizer could not run ({type(exc).__name__}: {runtime_error_brief(exc)}); "
                                "nothing was changed, and the job can be retried") from exc

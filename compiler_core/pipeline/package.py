"""Step 6, package: write the chosen candidate with its report (report.py composes it), load it back
as serving would, and check it still answers like the original. A winner that fails that check is
replaced by the original, and the report says so."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..candidates.onnxruntime_fp32 import original_model
from ..contracts.report import validate_written
from ..errors import OptimizationError
from ..package import verify_package, write_package
from ..report import to_json as report_to_json
from . import report as report_step

if TYPE_CHECKING:
    from .baseline import Baseline
    from .inspect import Inspected
    from .route import Routing
    from .run import Optimization
    from .search import Search


def ship(opt: "Optimization", inspected: "Inspected", baseline: "Baseline", search: "Search",
         routing: "Routing") -> dict:
    chosen = routing.chosen
    message = report_step.message(routing, baseline.shape_set, search)
    opt.check_cancel()
    opt.progress("package", 90, f"writing the package ({chosen.name})")
    report = report_step.compose(opt, inspected, baseline, search, winner=routing.default, routes=routing.routes,
                                 chosen=chosen, message=message)
    search.remember(routing.default, routing.routes, report)
    _write_package(opt.out_dir, chosen, inspected.signature, report)
    try:
        # Every accuracy feed: they include one at each shape of the set, so each route answers once.
        verify_package(opt.out_dir, baseline.accuracy_feeds, baseline.reference, opt.budget,
                       inspected.output_kinds)
    except Exception as exc:
        # The measured winner did not survive packaging: ship the original rather than a broken package.
        if routing.default is None and not routing.routes:
            raise OptimizationError(f"the packaged original model does not run: {exc}") from exc
        opt.failures.append({"name": chosen.name, "detail": f"package check failed: {exc}"})
        fallback = original_model(search.ctx)
        report = report_step.compose(
            opt, inspected, baseline, search, winner=None, routes=[], chosen=fallback,
            message=f"{chosen.name} failed its package check ({exc}); shipping the original")
        _write_package(opt.out_dir, fallback, inspected.signature, report)
        verify_package(opt.out_dir, baseline.accuracy_feeds, baseline.reference, opt.budget,
                       inspected.output_kinds)
    opt.progress("package", 100, message)
    return report


def ship_original(opt: "Optimization", inspected: "Inspected", baseline: "Baseline", search: "Search",
                  exc: Exception) -> dict:
    """The original model as the package, after a fault in a step between the baseline and the
    package: the report names the fault, and candidates it interrupted are reported as failed."""
    fault = f"{type(exc).__name__}: {str(exc).strip().splitlines()[0][:300] if str(exc).strip() else ''}".rstrip(": ")
    for result in search.results:
        if result.status == "pending":
            result.status, result.reason = "failed", f"interrupted by an internal error ({fault})"
        result.runner = None
    opt.failures.append({"name": "optimizer", "detail": f"internal error after the baseline: {fault}"})
    fallback = original_model(search.ctx)
    message = (f"the optimizer hit an internal error after measuring the baseline ({fault}); the package is the "
               "original model with onnxruntime's default session settings")
    report = report_step.compose(opt, inspected, baseline, search, winner=None, routes=[], chosen=fallback,
                                 message=message)
    _write_package(opt.out_dir, fallback, inspected.signature, report)
    verify_package(opt.out_dir, baseline.accuracy_feeds, baseline.reference, opt.budget, inspected.output_kinds)
    opt.progress("package", 100, message)
    return report


def _write_package(out_dir, candidate, signature, report: dict) -> None:
    # The API, the console and CI gates read report.json through its contract: a report that breaks
    # it is a bug here, refused before anything is written (optimize then fails, loudly).
    validate_written(report_to_json(report))
    write_package(out_dir, candidate, signature, report)

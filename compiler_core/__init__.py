"""Whetstone's compiler core: inspect a model, optimize it for this machine, package it.

Public API (used by the worker and serving; keep it stable):
    inspect_model(path) -> dict
    optimize(model_path, out_dir, *, request=OptimizationRequest(...), progress=None,
             should_cancel=None, time_budget=None) -> dict
        (time_budget(seconds) is told the search's budget once settled: raised where too small)
        or, instead of request=, its fields as keywords (recipe, accuracy_budget, shapes,
        calibration_dir, time_budget_s, threads); defaults are compiler_core.contracts.request's
    runtime.load_package(dir) -> runner with .run(inputs) / .signature / .runtime
"""

from .errors import (Cancelled, CompilerCoreError, InvalidModelError, OptimizationError, PackageError,
                     UnsafeModelError)
from .inspection import inspect_model
from .pipeline import optimize

__all__ = [
    "inspect_model", "optimize", "CompilerCoreError", "InvalidModelError", "OptimizationError",
    "PackageError", "Cancelled", "UnsafeModelError",
]

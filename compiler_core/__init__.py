"""Whetstone's compiler core: inspect a model, optimize it for this machine, package it.

Public API (used by the worker and serving; keep it stable):
    inspect_model(path) -> dict
    optimize(model_path, out_dir, *, recipe="auto", accuracy_budget=0.99, shapes=None,
             calibration_dir=None, time_budget_s=None, threads=None, progress=None,
             should_cancel=None) -> dict
    runtime.load_package(dir) -> runner with .run(inputs) / .signature / .runtime
"""

from .errors import Cancelled, CompilerCoreError, InvalidModelError, OptimizationError, PackageError
from .inspection import inspect_model
from .pipeline import optimize

__all__ = [
    "inspect_model", "optimize", "CompilerCoreError", "InvalidModelError", "OptimizationError",
    "PackageError", "Cancelled",
]

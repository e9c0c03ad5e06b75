"""Errors the compiler core raises. Each message is written for the model's owner:
it names what was wrong and, where possible, what would be accepted instead."""


class CompilerCoreError(Exception):
    """Base class for every error the core raises on purpose."""


class InvalidModelError(CompilerCoreError):
    """The input is not a model the core can read (empty, truncated, wrong format)."""


class OptimizationError(CompilerCoreError):
    """No package could be produced."""


class PackageError(CompilerCoreError):
    """A package directory is missing files or names an engine that is not installed."""


class Cancelled(CompilerCoreError):
    """The caller asked the optimization to stop."""

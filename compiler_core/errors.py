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


class UnsafeModelError(InvalidModelError):
    """The file would run code when opened (a full pickle, an archive with native code), so it is refused."""


class NeedsExampleInputs(OptimizationError):
    """The original model rejects inputs generated from its signature (a shape tensor, indices, a
    sequence length that must agree with another input): only real example inputs can drive it.

    The message says so and what the examples must hold; each surface adds how to give them
    (`hint`): the CLI names its flag, the platform the model version's example inputs."""

    def __init__(self, *, where: str, runtime_error: str, inputs: list[str]):
        self.where, self.runtime_error, self.inputs = where, runtime_error, list(inputs)
        super().__init__(
            f"the original model fails on inputs generated from its signature ({where}): {runtime_error}. "
            "Generated inputs (random values of the signature's shapes and dtypes) are not valid for this model, "
            f"so it needs example inputs: .npz files, each one batch of arrays named {self.inputs}.")


def runtime_error_brief(exc: BaseException, limit: int = 300) -> str:
    """onnxruntime's error without its status-code preamble, on one line and bounded."""
    import re

    text = " ".join(str(exc).split())
    text = re.sub(r"^\[ONNXRuntimeError\] : \d+ : \w+ : ", "", text)
    return text if len(text) <= limit else text[: limit - 1] + "…"

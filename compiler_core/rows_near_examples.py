"""Rows near the user's examples: what tops up the top-1 check where example inputs are given.

99% top-1 agreement takes a few hundred rows to check (accuracy.TOP1_MIN_ROWS), and example inputs
rarely hold that many. Without examples, generated rows (random normal floats) top the check up.
Beside examples they judge the wrong data: a 0/180 text-line classifier sits near its threshold on
random images far more often than on rendered lines. So the guard refused a bf16 package at 98.2%
top-1 over 328 rows, 234 of them random images, and on 1,026 held-out rendered lines that package
kept 99.8% (BENCHMARKS.md, ppocr_cls).

The rows added here are the judged examples again, each float input with a little Gaussian noise
(JITTER of that input's spread over the examples). That is close enough that a row keeps its meaning
(a rendered line stays legible) and far enough that a row near a decision boundary lands on either
side of it: a package that moves the boundary past real data still shows it here. They are not
evidence of the same weight as new examples, since a package that only changes answers far from
every example goes unseen; more example files are the remedy, and the report counts these rows apart.

Integer and boolean inputs (token ids, masks, lengths) are kept as they are: noise has no meaning
there. A model with no float input gets generated rows, as without examples."""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from .shapes import dim_roles

JITTER = 0.03
# One-row examples would give one row a batch: each added batch holds this many noisy copies of one
# example where the batch dim is free (as generated batches take ACCURACY_BATCH_SIZE rows).
COPIES_PER_BATCH = 8


def float_inputs(signature: dict[str, Any]) -> list[str]:
    """The inputs noise applies to: floating-point tensors (not sequences)."""
    return [spec["name"] for spec in signature["inputs"]
            if spec.get("type") != "sequence" and spec["dtype"] in np.sctypeDict
            and np.issubdtype(np.dtype(spec["dtype"]), np.floating)]


def rows_near_examples(examples: list[dict[str, np.ndarray]], rows_per_example: list[int],
                       signature: dict[str, Any], missing: int, *, max_batches: int,
                       seed: int) -> list[dict[str, np.ndarray]]:
    """Batches of noisy copies of `examples`, taken in turn, until they give `missing` more rows to
    the top-1 check (`rows_per_example`: what each example batch gives) or `max_batches` are made.
    None when nothing is missing or no input is a float."""
    floats = float_inputs(signature)
    if missing <= 0 or not floats or not examples or not any(rows_per_example):
        return []
    spread = {name: float(np.std(np.concatenate([np.asarray(batch[name], np.float64).ravel() for batch in examples])))
              for name in floats}
    rng = np.random.default_rng(seed)
    batches: list[dict[str, np.ndarray]] = []
    added = 0
    for index in range(max_batches):
        source = index % len(examples)
        batch, copies = _copies(examples[source], signature)
        batches.append({name: _jittered(array, spread.get(name), rng) for name, array in batch.items()})
        added += rows_per_example[source] * copies
        if added >= missing:
            break
    return batches


def _copies(example: dict[str, np.ndarray], signature: dict[str, Any]) -> tuple[dict[str, np.ndarray], int]:
    """The example, repeated COPIES_PER_BATCH times along its batch axis where that axis is free and
    holds one row; else as it is. (batch, how many copies it holds)"""
    batch_dims = {name for name, role in dim_roles(signature).items() if role == "batch"}
    axes: dict[str, int] = {}
    for spec in signature["inputs"]:
        for axis, dim in enumerate(spec["shape"]):
            name = dim if isinstance(dim, str) else f"{spec['name']}:{axis}"
            if not isinstance(dim, int) and name in batch_dims and spec["name"] in example \
                    and np.ndim(example[spec["name"]]) > axis and np.shape(example[spec["name"]])[axis] == 1:
                axes[spec["name"]] = axis
                break
    if not axes:
        return example, 1
    return {name: (np.repeat(array, COPIES_PER_BATCH, axis=axes[name]) if name in axes else array)
            for name, array in example.items()}, COPIES_PER_BATCH


def _jittered(array, spread: float | None, rng: np.random.Generator):
    if not spread or not math.isfinite(spread) or not isinstance(array, np.ndarray):
        return array
    noise = rng.standard_normal(array.shape) * (JITTER * spread)
    return (array.astype(np.float64) + noise).astype(array.dtype)

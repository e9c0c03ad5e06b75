"""Tuning cache: what won last time for this model, on this hardware, with this recipe.

A re-run with the same key measures only the cached winner against the baseline
(measurements are still taken, because the report must be true for this run), so it
finishes in a fraction of the first run's time. What an entry holds is written and read by
the pipeline's search step (`pipeline/search.py`, `Remembered`).
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path
from typing import Any

from .hardware import hardware_fingerprint

# 2: entries name what served by candidate spec (candidates/spec.py), not by display name. Entries
# written by version 1 have other keys, so they are never read: the first run after the upgrade
# searches in full and writes a version-2 entry.
# 3: each output is judged by its kind (output_kinds.py), and the kinds are part of the key: a verdict
# under other kinds (or before kinds) is not this run's.
# 4: the example inputs are part of the key (a digest of their bytes): they calibrate INT8 and are
# what it is judged on, so verdicts on other examples are not this run's. Before, a user who attached
# new examples after a refusal had the old refusals replayed. They are also split between the two now.
# 5: a lossy winner is judged on more rows before it ships (pipeline/search.py, holds_on_more_rows):
# an entry that named one judged on 256 rows alone would replay it, and only it.
CACHE_VERSION = 5


def cache_dir() -> Path:
    configured = os.environ.get("WHETSTONE_CACHE_DIR")
    return Path(configured) if configured else Path.home() / ".cache" / "whetstone"


def cache_key(model_sha256: str, recipe: str, budget: float, shape_set: list[dict], threads: int,
              output_kinds: dict | None = None, examples: str | None = None) -> str:
    """`examples`: the digest of the example inputs (calibration.Examples.digest), None for generated."""
    material = json.dumps({
        "v": CACHE_VERSION, "model": model_sha256, "hardware": hardware_fingerprint(),
        "recipe": recipe, "budget": budget, "shapes": shape_set, "threads": threads,
        "kinds": {name: kind.cache_material() for name, kind in sorted((output_kinds or {}).items())},
        "examples": examples,
    }, sort_keys=True)
    return hashlib.sha256(material.encode()).hexdigest()


class TuningCache:
    def __init__(self, directory: Path | None = None):
        self.directory = directory or cache_dir()

    def _path(self, key: str) -> Path:
        return self.directory / "tuning" / f"{key}.json"

    def get(self, key: str) -> dict[str, Any] | None:
        try:
            return json.loads(self._path(key).read_text())
        except (OSError, ValueError):
            return None  # a missing or damaged entry only costs a full run

    def forget(self, key: str) -> None:
        """Drop an entry whose replay no longer holds: the next run searches in full."""
        try:
            self._path(key).unlink(missing_ok=True)
        except OSError:
            pass

    def put(self, key: str, value: dict[str, Any]) -> None:
        path = self._path(key)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            temporary = path.with_suffix(".tmp")
            temporary.write_text(json.dumps(value, sort_keys=True))
            temporary.replace(path)  # atomic: two workers never read half an entry
        except OSError:
            pass  # a read-only home must not fail an optimization

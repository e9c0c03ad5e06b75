"""Write a package (model.onnx, runtime.json, signature.json, report.json) and prove it runs."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import onnx

from .accuracy import compare_outputs
from .candidates.base import Candidate, save_model
from .contracts import ContractError, Runtime, Signature
from .errors import PackageError
from .runtime import MODEL_FILE, REPORT_FILE, RUNTIME_FILE, SIGNATURE_FILE, load_package
from .report import to_json


def _copy_model(source: Path, destination: Path) -> None:
    model = onnx.load(str(source), load_external_data=True)
    for stale in (destination, destination.with_name(destination.name + ".data")):
        stale.unlink(missing_ok=True)
    save_model(model, destination)


def write_package(out_dir: Path, candidate: Candidate, signature: dict, report: dict) -> None:
    runtime = dict(candidate.runtime, model=MODEL_FILE)
    # Serving, the Triton export and the platform read these two through their contracts: one that
    # breaks them is a bug here, refused before anything is written.
    try:
        Runtime.validate_written(runtime)
        Signature.validate_written(signature)
    except ContractError as exc:
        raise PackageError(str(exc)) from exc
    out_dir.mkdir(parents=True, exist_ok=True)
    _copy_model(candidate.model_path, out_dir / MODEL_FILE)
    for stale in [*out_dir.glob("*.static*.onnx"), *out_dir.glob("*.static*.onnx.data")]:
        stale.unlink()  # specializations (and their weights) of an earlier package in the same directory
    for name in (spec["model"] for spec in runtime.get("specializations") or []):
        _copy_model(candidate.extra["package_files"][name], out_dir / name)
    (out_dir / RUNTIME_FILE).write_text(to_json(runtime))
    (out_dir / SIGNATURE_FILE).write_text(to_json(signature))
    (out_dir / REPORT_FILE).write_text(to_json(report))


def verify_package(out_dir: Path, feeds: list[dict], reference: list[dict], budget: float,
                   kinds: dict | None = None) -> None:
    """Load the package exactly as serving does and check it still answers like the original."""
    runner = load_package(out_dir)
    outputs = [runner.run(f) for f in feeds]
    result = compare_outputs(reference, outputs, budget, kinds)
    if not result.passes:
        raise PackageError(f"the packaged model misses the accuracy budget: {result.why_not()}")
    for out in outputs:
        for name, value in out.items():
            # A sequence output (SplitToSequence) is a list of arrays; anything else is not data.
            if not isinstance(value, np.ndarray) and not (
                    isinstance(value, list) and all(isinstance(element, np.ndarray) for element in value)):
                raise PackageError(f"output {name} is not an array or a sequence of arrays")


def read_report(out_dir: Path) -> dict:
    return json.loads((Path(out_dir) / REPORT_FILE).read_text())

"""The ONNX backend test models shipped in the onnx wheel, through the lossless pipeline.

Wherever plain onnxruntime reproduces a model's expected outputs, the package the
pipeline produces must reproduce them too, when loaded exactly as serving loads it.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import onnx
import onnxruntime as ort
import pytest
from onnx import numpy_helper

from compiler_core import optimize
from compiler_core.runtime import load_package
from compiler_core.signature import graph_inputs

ort.set_default_logger_severity(3)  # old-opset models make every session warn about the transpose optimizer

DATA = Path(onnx.__file__).parent / "backend" / "test" / "data"
CASES = sorted(p for group in ("simple", "pytorch-converted", "pytorch-operator")
               for p in (DATA / group).glob("*") if (p / "model.onnx").is_file() and (p / "test_data_set_0").is_dir())
RTOL, ATOL = 1e-3, 1e-5  # the tolerances onnx's own backend tests use


def _read_tensors(folder: Path, prefix: str) -> list[np.ndarray] | None:
    arrays = []
    for file in sorted(folder.glob(f"{prefix}_*.pb"), key=lambda p: int(p.stem.split("_")[1])):
        tensor = onnx.TensorProto()
        try:
            tensor.ParseFromString(file.read_bytes())
            arrays.append(numpy_helper.to_array(tensor))
        except Exception:
            return None  # sequences/maps: not a plain tensor case
    return arrays


def _case(folder: Path):
    model = onnx.load(str(folder / "model.onnx"))
    inputs = _read_tensors(folder / "test_data_set_0", "input")
    expected = _read_tensors(folder / "test_data_set_0", "output")
    if inputs is None or expected is None:
        return None
    names = [i.name for i in graph_inputs(model)]
    if len(names) != len(inputs):
        return None
    return dict(zip(names, inputs)), expected


def _close(got, expected) -> bool:
    got, expected = np.asarray(got), np.asarray(expected)
    if got.shape != expected.shape:
        return False
    if not (np.issubdtype(expected.dtype, np.number) or expected.dtype == bool):
        return bool(np.array_equal(got, expected))  # strings compare exactly
    return bool(np.allclose(got, expected, rtol=RTOL, atol=ATOL, equal_nan=True))


def _matches(got: list[np.ndarray], expected: list[np.ndarray]) -> bool:
    return len(got) == len(expected) and all(_close(g, e) for g, e in zip(got, expected))


def _plain_onnxruntime(folder: Path, feeds) -> list[np.ndarray] | None:
    try:
        session = ort.InferenceSession(str(folder / "model.onnx"), providers=["CPUExecutionProvider"])
        return session.run(None, feeds)
    except Exception:
        return None


def test_backend_models_are_found():
    assert len(CASES) > 100


def test_lossless_packages_reproduce_expected_outputs(tmp_path):
    checked, mismatches = 0, []
    for folder in CASES:
        case = _case(folder)
        if case is None:
            continue
        feeds, expected = case
        reference = _plain_onnxruntime(folder, feeds)
        if reference is None or not _matches(reference, expected):
            continue  # onnxruntime itself does not pass this case: nothing to preserve
        work = tmp_path / folder.name
        (work / "data").mkdir(parents=True)
        # .npz holds strings as fixed-width unicode: object arrays would need pickle, which we never load.
        np.savez(work / "data" / "batch.npz", **{k: (v.astype(str) if v.dtype == object else v) for k, v in feeds.items()})
        try:
            optimize(folder / "model.onnx", work / "pkg", recipe="lossless", calibration_dir=work / "data",
                     time_budget_s=2, threads=1)
            runner = load_package(work / "pkg")
            outputs = runner.run(feeds)
            got = [outputs[o.name] for o in onnx.load(str(folder / "model.onnx"), load_external_data=False).graph.output]
        except Exception as exc:  # noqa: BLE001 - every failure is collected and reported together
            mismatches.append(f"{folder.parent.name}/{folder.name}: {type(exc).__name__}: {exc}")
            continue
        if not _matches(got, expected):
            mismatches.append(f"{folder.parent.name}/{folder.name}: outputs differ from the expected ones")
        checked += 1
    assert not mismatches, "\n".join(mismatches)
    assert checked >= 90, f"only {checked} cases were comparable"  # 100 pass plain onnxruntime here

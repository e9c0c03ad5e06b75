"""The compile child, run the way the worker runs it: in the sandbox, with limits."""

from __future__ import annotations

import json
from pathlib import Path

import onnxruntime as ort
import pytest

from optimizer_worker import isolation
from optimizer_worker.child_process import ChildCallbacks, ChildFailed, run_compile_child
from tests.support.models import tiny_mlp

QUIET = ChildCallbacks(progress=lambda *args: None, heartbeat=lambda: None, cancel_requested=lambda: False)


def _compile(tmp_path: Path, *, memory_mb: int = 8192, shapes: str | None = None, owner_id: int | None = 7,
             callbacks: ChildCallbacks = QUIET) -> Path:
    model = tiny_mlp(tmp_path / "model" / "model.onnx")
    run_compile_child(
        model_path=model, out_dir=tmp_path / "package", workdir=tmp_path, callbacks=callbacks,
        options={"recipe": "lossless", "time_budget_s": 20, "shapes": shapes}, heartbeat_interval_s=1,
        limits=isolation.Limits(memory_bytes=memory_mb << 20, cpu_seconds=600), owner_id=owner_id,
    )
    return tmp_path / "package"


def test_the_sandboxed_child_writes_a_package_and_the_owners_tuning_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("WHETSTONE_CACHE_DIR", str(tmp_path / "cache"))
    told: list[float] = []
    package = _compile(tmp_path / "first", callbacks=ChildCallbacks(
        progress=lambda *args: None, heartbeat=lambda: None, cancel_requested=lambda: False, time_budget=told.append))
    assert {"model.onnx", "report.json", "runtime.json", "signature.json"} <= {p.name for p in package.iterdir()}
    # The search's time budget came back over the protocol as the report gives it (20 s asked, or more).
    report = json.loads((package / "report.json").read_text())
    assert told == [report["timing"]["time_budget_s"]] and told[0] >= 20
    ort.InferenceSession(str(package / "model.onnx"), providers=["CPUExecutionProvider"])
    # The child wrote its cache inside the sandbox; the worker kept it, under this owner only.
    entries = list((tmp_path / "cache" / "owners" / "7" / "tuning").glob("*.json"))
    assert len(entries) == 1
    assert not (tmp_path / "cache" / "tuning").exists()


def test_a_child_that_runs_out_of_memory_says_so_with_its_limit_and_peak(tmp_path, monkeypatch):
    monkeypatch.setenv("WHETSTONE_CACHE_DIR", str(tmp_path / "cache"))
    # 8 million rows of 16 floats per input: far past a 1200 MiB limit.
    with pytest.raises(ChildFailed) as failure:
        _compile(tmp_path, memory_mb=1200, shapes="batch=8000000")
    message = str(failure.value)
    assert message.startswith("The optimizer ran out of memory: its limit is 1200 MiB")
    assert "resident memory peaked at" in message and "WHETSTONE_COMPILE_MEMORY_LIMIT_MB" in message
    assert not (tmp_path / "package").exists()


def test_what_the_child_says_is_held_to_the_rows_shape_and_sizes():
    from optimizer_worker.child_process import MAX_MESSAGE_CHARS, _parse_event

    event = _parse_event('{"event": "progress", "stage": "' + "s" * 500 + '", "percent": "70", '
                         '"message": "' + "m" * 10_000 + '"}')
    assert len(event["stage"]) == 40 and event["percent"] == 70 and len(event["message"]) == MAX_MESSAGE_CHARS
    for hostile in ('[1, 2]', '"done"', '{"stage": "x"}', '{"event": 5}', '{"event": "progress", "percent": "x"}'):
        assert _parse_event(hostile) is None, hostile


def test_a_time_budget_the_child_reports_must_be_a_sane_number_of_seconds():
    from optimizer_worker.child_process import MAX_TIME_BUDGET_S, _seconds

    assert _seconds(90) == 90.0 and _seconds(12.5) == 12.5
    for hostile in (0, -5, float("nan"), float("inf"), MAX_TIME_BUDGET_S + 1, True, "90", None, [90]):
        assert _seconds(hostile) is None, hostile


def test_a_model_that_rejects_generated_inputs_fails_as_needing_examples_then_runs_on_them(tmp_path, monkeypatch):
    import json

    import numpy as np

    from compiler_core.tests import models

    monkeypatch.setenv("WHETSTONE_CACHE_DIR", str(tmp_path / "cache"))
    (tmp_path / "model").mkdir()
    model = models.expand_with_shape_input(tmp_path / "model" / "model.onnx")
    common = dict(model_path=model, workdir=tmp_path, callbacks=QUIET, heartbeat_interval_s=1,
                  limits=isolation.Limits(memory_bytes=8192 << 20, cpu_seconds=600))
    with pytest.raises(ChildFailed) as failure:
        run_compile_child(out_dir=tmp_path / "refused", options={"recipe": "lossless", "time_budget_s": 10}, **common)
    assert failure.value.kind == "NeedsExampleInputs"  # what the platform adds its how-to-attach to
    assert "needs example inputs" in str(failure.value)

    (tmp_path / "examples").mkdir()
    np.savez(tmp_path / "examples" / "batch-000.npz", **models.expand_example_inputs())
    run_compile_child(out_dir=tmp_path / "package", read_only=(tmp_path / "examples",),
                      options={"recipe": "lossless", "time_budget_s": 10, "calibration": str(tmp_path / "examples"),
                               "calibration_label": "example inputs of version 4"}, **common)
    report = json.loads((tmp_path / "package" / "report.json").read_text())
    assert report["diagnosis"]["test_data_source"].startswith(
        "example inputs of version 4 (1 batch); the model refuses generated rows"), report["diagnosis"]


def test_the_child_reads_the_jobs_options_through_the_request_contract_and_speaks_in_api_terms(tmp_path, capsys):
    """A job comes from the API: its shape error names `shapes`, not the command line's `--shapes`;
    an option out of the contract's bounds is refused by name, not run with a default."""
    import json

    from optimizer_worker.compile_child import main

    model = tiny_mlp(tmp_path / "model.onnx")

    def child(options: dict) -> dict:
        code = main([str(model), str(tmp_path / "package"), json.dumps(options), str(tmp_path / "cancel")])
        events = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
        assert code == 2 and events[-1]["event"] == "error"
        return events[-1]

    message = child({"recipe": "lossless", "shapes": "seq=4", "calibration_prefix": "calibration/1"})["message"]
    assert "shapes names dims ['seq'] that the model does not have" in message and "--shapes" not in message
    assert "accuracy_budget" in child({"recipe": "lossless", "accuracy_budget": 7})["message"]
    assert not (tmp_path / "package").exists()

"""What the compile child leaves in its writable folder is hostile too: the worker
reads it after the child is gone, outside the sandbox, with the worker's own
rights. A link the child planted there must not make the worker read, copy or
create a file outside the job (a secret key, the worker's /proc/self/environ,
another owner's tuning cache).

The child here is a stand-in for code that got to run while a model was parsed
(a parser bug, or a pickle an operator allowed): a shell script in place of the
Python interpreter, so the test needs neither torch nor a real model."""

from __future__ import annotations

import os
from pathlib import Path
from types import SimpleNamespace

import pytest

from optimizer_worker import child_process, isolation
from optimizer_worker.child_process import ChildCallbacks, ChildCancelled, ChildFailed, run_compile_child

# argv: $1 -m, $2 optimizer_worker.compile_child, $3 model, $4 package folder, $5 options, $6 cancel file


def _hostile_child(tmp_path: Path, monkeypatch, script: str) -> Path:
    """Put `script` where the child's interpreter would be; returns the job's model file."""
    model = tmp_path / "job" / "model" / "model.onnx"
    model.parent.mkdir(parents=True)
    model.write_text("onnx bytes")
    fake_python = model.parent / "python"  # the model's folder is lent to the child read-only
    fake_python.write_text("#!/bin/sh\n" + script)
    fake_python.chmod(0o755)
    monkeypatch.setattr(child_process, "sys", SimpleNamespace(executable=str(fake_python)))
    return model


def _run(tmp_path: Path, model: Path, *, owner_id=None, cancel_requested=lambda: False,
         progress=lambda *a: None):
    return run_compile_child(
        model_path=model, out_dir=tmp_path / "job" / "package", workdir=tmp_path / "job",
        options={"recipe": "lossless"}, heartbeat_interval_s=0.2,
        callbacks=ChildCallbacks(progress=progress, heartbeat=lambda: None, cancel_requested=cancel_requested),
        limits=isolation.default_limits(cpu_seconds=60), owner_id=owner_id)


def _files_read_through(directory: Path) -> dict[str, str]:
    """What an upload of `directory` (objectstore.put_dir: rglob + open) would send."""
    return {p.relative_to(directory).as_posix(): p.read_text()
            for p in directory.rglob("*") if p.is_file()} if directory.exists() else {}


def test_a_package_file_that_links_outside_the_job_is_never_uploaded(tmp_path, monkeypatch):
    secret = tmp_path / "var" / "secret_key"
    secret.parent.mkdir()
    secret.write_text("the-django-secret-key")
    model = _hostile_child(tmp_path, monkeypatch, f"""
mkdir -p "$4"
echo '{{"overall": {{}}}}' > "$4/report.json"
ln -s {secret} "$4/model.onnx"
echo '{{"event": "done"}}'
""")

    try:
        _run(tmp_path, model)
    except ChildFailed as exc:
        assert "link" in str(exc)
    package = tmp_path / "job" / "package"
    assert "the-django-secret-key" not in _files_read_through(package).values()


def test_a_package_folder_that_is_a_link_outside_the_job_is_never_uploaded(tmp_path, monkeypatch):
    secret = tmp_path / "var" / "secret_key"
    secret.parent.mkdir()
    secret.write_text("the-django-secret-key")
    (tmp_path / "var" / "report.json").write_text("{}")
    model = _hostile_child(tmp_path, monkeypatch, f"""
ln -s {secret.parent} "$4"
echo '{{"event": "done"}}'
""")

    try:
        _run(tmp_path, model)
    except ChildFailed:
        pass
    package = tmp_path / "job" / "package"
    assert "the-django-secret-key" not in _files_read_through(package).values()


def test_a_lent_cache_swapped_for_a_link_does_not_hand_another_owners_entries_over(tmp_path, monkeypatch):
    monkeypatch.setenv("WHETSTONE_CACHE_DIR", str(tmp_path / "cache"))
    victim = tmp_path / "cache" / "owners" / "2" / "tuning"
    victim.mkdir(parents=True)
    entry = "a" * 64 + ".json"
    (victim / entry).write_text('{"winner": "victim-secret-config"}')
    model = _hostile_child(tmp_path, monkeypatch, f"""
rm -rf "$WHETSTONE_CACHE_DIR/tuning"
ln -s {victim} "$WHETSTONE_CACHE_DIR/tuning"
mkdir -p "$4"
echo '{{"overall": {{}}}}' > "$4/report.json"
echo '{{"event": "done"}}'
""")

    try:
        _run(tmp_path, model, owner_id=1)
    except ChildFailed:
        pass
    # Owner 1's next job would be lent owner 2's entry.
    assert not (tmp_path / "cache" / "owners" / "1" / "tuning" / entry).exists()


def test_the_cancel_signal_does_not_create_a_file_where_the_child_points_it(tmp_path, monkeypatch):
    outside = tmp_path / "var" / "created-by-the-worker"
    outside.parent.mkdir()
    model = _hostile_child(tmp_path, monkeypatch, f"""
ln -s {outside} "$6"
echo '{{"event": "progress", "stage": "load", "percent": 1}}'
sleep 3
""")
    started = []

    with pytest.raises((ChildCancelled, ChildFailed)):
        _run(tmp_path, model, progress=lambda *a: started.append(a), cancel_requested=lambda: bool(started))
    assert not outside.exists() and not os.path.lexists(outside)


def test_a_package_that_asks_its_engine_to_load_a_library_is_never_published(tmp_path, monkeypatch):
    """Code in the child writes runtime.json too; the engine would dlopen what it names."""
    model = _hostile_child(tmp_path, monkeypatch, """
mkdir -p "$4"
cp "$3" "$4/model.onnx"
echo '{"engine": "onnxruntime", "model": "model.onnx", "precision": "fp32",
       "custom_op_libraries": ["/tmp/planted.so"]}' > "$4/runtime.json"
echo '{"overall": {}}' > "$4/report.json"
echo '{"event": "done"}'
""")

    with pytest.raises(ChildFailed, match="package was refused.*planted.so.*loads no code"):
        _run(tmp_path, model)
    assert not (tmp_path / "job" / "package").exists()


def test_a_report_that_breaks_its_contract_is_never_published(tmp_path, monkeypatch):
    """The report goes into the job's row, the console and the API: the child's word, checked."""
    model = _hostile_child(tmp_path, monkeypatch, """
mkdir -p "$4"
cp "$3" "$4/model.onnx"
echo '{"engine": "onnxruntime", "model": "model.onnx", "precision": "fp32"}' > "$4/runtime.json"
echo '{"inputs": [], "outputs": []}' > "$4/signature.json"
echo '{"overall": {"speedup": "fast"}, "hardware_context": {"hardware_class": "x86_64-intel-amx"}}' > "$4/report.json"
echo '{"event": "done"}'
""")

    with pytest.raises(ChildFailed, match="report does not match its contract"):
        _run(tmp_path, model)
    assert not (tmp_path / "job" / "package").exists()

"""A package is data: what its runtime.json names may not load code, write a file or read one
outside the package, in the serving engine or in anything else that opens it.

The packages here are what code that ran in a compile child (a pickle an operator let through, a
parser's bug) could have written: the worker's own check (optimizer_worker/tests/test_sandbox_links.py)
is one wall, the engine's is the other, and each is tested alone."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import numpy as np
import onnx
import pytest
from onnx import TensorProto, helper

from compiler_core.errors import PackageError
from compiler_core.package_policy import CUSTOM_OP_LIBRARIES_ENV, check_package
from compiler_core.runtime import load_package
from deploy.serving.repository import (MODEL_SETTINGS_FILE, ServingError, deploy_package, model_settings,
                                       remove_staged, stage_package)
from deploy.tests.engines import RunningEngine
from deploy.tests.tiny_packages import FEATURES, write_tiny_package

SECRET = b"SERVING_ADMIN_TOKEN=the-engines-secret"


def _with_runtime(package: Path, change) -> Path:
    runtime = json.loads((package / "runtime.json").read_text())
    change(runtime)
    (package / "runtime.json").write_text(json.dumps(runtime))
    return package


@pytest.fixture(scope="module")
def library_that_leaves_a_mark(tmp_path_factory) -> tuple[Path, Path]:
    """A shared library whose constructor creates a file when it is loaded: (library, mark)."""
    folder = tmp_path_factory.mktemp("library")
    mark = folder / "the-library-ran"
    source = folder / "mark.c"
    source.write_text('#include <stdio.h>\n__attribute__((constructor)) static void ran(void) {\n'
                      f'  FILE *f = fopen("{mark}", "w"); if (f) fclose(f);\n}}\n')
    library = folder / "libmark.so"
    subprocess.run([shutil.which("cc") or "gcc", "-shared", "-fPIC", "-o", str(library), str(source)], check=True)
    return library, mark


def test_a_package_that_names_a_shared_library_is_refused_before_it_is_loaded(tmp_path, library_that_leaves_a_mark,
                                                                                 monkeypatch):
    library, mark = library_that_leaves_a_mark
    monkeypatch.delenv(CUSTOM_OP_LIBRARIES_ENV, raising=False)
    package = _with_runtime(write_tiny_package(tmp_path / "p"),
                            lambda r: r.update(custom_op_libraries=[str(library)]))

    with pytest.raises(PackageError, match=f"loads no code.*{CUSTOM_OP_LIBRARIES_ENV}"):
        load_package(package)
    assert not mark.exists()


def test_a_library_the_operator_lists_is_loaded(tmp_path, library_that_leaves_a_mark, monkeypatch):
    """The allow-list lets a listed library through, so the refusal above is the list's doing."""
    library, mark = library_that_leaves_a_mark
    monkeypatch.setenv(CUSTOM_OP_LIBRARIES_ENV, f"/nonexistent/libother.so{os.pathsep}{library}")
    package = _with_runtime(write_tiny_package(tmp_path / "p"),
                            lambda r: r.update(custom_op_libraries=[str(library)]))

    try:
        load_package(package)
    except Exception:
        pass  # onnxruntime finds no RegisterCustomOps in it: it was loaded all the same
    assert mark.exists()


def _session_options(**changes):
    return lambda r: r["session_options"].update(changes)


def _config_entries(**entries):
    return lambda r: r["session_options"]["config_entries"].update(entries)


@pytest.mark.parametrize("name, change, refused", [
    ("optimized_model_filepath", lambda out: _session_options(optimized_model_filepath=str(out / "written.onnx")),
     "optimized_model_filepath"),
    ("profiling", lambda out: _session_options(enable_profiling=True, profile_file_prefix=str(out / "trace")),
     "enable_profiling, profile_file_prefix"),
    ("ep_context", lambda out: _config_entries(**{"ep.context_enable": "1",
                                                  "ep.context_file_path": str(out / "ctx.onnx")}),
     "ep.context_enable, ep.context_file_path"),
    ("azure_provider", lambda out: lambda r: r.update(providers=["AzureExecutionProvider", "CPUExecutionProvider"]),
     "AzureExecutionProvider"),
])
def test_an_onnxruntime_option_that_writes_or_reaches_out_is_refused(tmp_path, name, change, refused):
    outside = tmp_path / "outside"
    outside.mkdir()
    package = _with_runtime(write_tiny_package(tmp_path / "p"), change(outside))

    with pytest.raises(PackageError) as error:
        load_package(package)
    assert refused in str(error.value)
    assert list(outside.iterdir()) == []


def test_an_openvino_property_that_writes_a_cache_is_refused(tmp_path):
    outside = tmp_path / "cache"
    package = _with_runtime(write_tiny_package(tmp_path / "p", engine="openvino"),
                            lambda r: r["config"].update(CACHE_DIR=str(outside)))

    with pytest.raises(PackageError, match="CACHE_DIR"):
        load_package(package)
    assert not outside.exists()


def test_the_options_the_compiler_core_writes_still_load(tmp_path):
    package = _with_runtime(write_tiny_package(tmp_path / "p"), _config_entries(**{
        "session.intra_op.allow_spinning": "0"}))
    runner = load_package(package)
    assert runner.run({"x": np.zeros((1, FEATURES), np.float32)})["logits"].shape == (1, 3)


@pytest.mark.parametrize("engine, change, refused", [
    ("onnxruntime", _session_options(intra_op_num_threads=100_000), "intra_op_num_threads is 100000"),
    ("onnxruntime", _config_entries(**{"session.intra_op_thread_affinities": "1;1"}), "intra_op_thread_affinities"),
    ("openvino", lambda r: r["config"].update(INFERENCE_NUM_THREADS=100_000), "INFERENCE_NUM_THREADS is 100000"),
    ("openvino", lambda r: r["config"].update(ENABLE_CPU_RESERVATION=True), "ENABLE_CPU_RESERVATION"),
    ("openvino", lambda r: r.update(device="BATCH:CPU(64)"), "device 'BATCH:CPU(64)'"),
    ("onnxruntime", lambda r: r.update(specializations=[
        {"shape": f"b={i}", "input_shapes": {"x": [i, FEATURES]}, "model": "model.onnx"} for i in range(1, 66)]),
     "65 specialized graphs"),
    ("onnxruntime", lambda r: r.update(specializations=[
        {"shape": f"b={i}", "input_shapes": {"x": [i, FEATURES]}, "model": "model.onnx",
         "runtime": {**r, "session_options": {**r["session_options"], "intra_op_num_threads": 1000}}}
        for i in range(1, 4)]), "asks for 3005 threads over its 4 graphs"),
])
def test_a_package_that_would_take_the_engine_from_every_other_model_is_refused(tmp_path, engine, change, refused):
    """One engine serves every tenant's models: a package's threads, streams and pinning are its own
    business only up to what leaves the others room."""
    package = _with_runtime(write_tiny_package(tmp_path / "p", engine=engine), change)

    with pytest.raises(PackageError, match=re.escape(refused)):
        load_package(package)


def test_a_graph_in_another_format_than_onnx_is_refused(tmp_path):
    package = write_tiny_package(tmp_path / "p")
    (package / "model.onnx").rename(package / "model.ort")
    _with_runtime(package, lambda r: r.update(model="model.ort"))

    with pytest.raises(PackageError, match="an .onnx file"):
        load_package(package)


def _secret_file(tmp_path: Path) -> Path:
    secret = tmp_path / "var" / "secret_key"
    secret.parent.mkdir(parents=True, exist_ok=True)
    secret.write_bytes(SECRET)
    return secret


@pytest.mark.parametrize("how", ["parent", "absolute", "link"])
def test_a_model_file_outside_the_package_is_refused(tmp_path, how):
    package = write_tiny_package(tmp_path / "p")
    outside = tmp_path / "outside.onnx"
    shutil.copy(package / "model.onnx", outside)
    if how == "link":
        (package / "model.onnx").unlink()
        (package / "model.onnx").symlink_to(outside)
        named = "model.onnx"
    else:
        named = "../outside.onnx" if how == "parent" else str(outside)
    _with_runtime(package, lambda r: r.update(model=named))

    with pytest.raises(PackageError, match="an .onnx file in the package folder|a link"):
        load_package(package)


def test_a_specialized_model_outside_the_package_is_refused(tmp_path):
    package = write_tiny_package(tmp_path / "p")
    shutil.copy(package / "model.onnx", tmp_path / "outside.onnx")
    _with_runtime(package, lambda r: r.update(specializations=[
        {"shape": "batch=1", "input_shapes": {"x": [1, FEATURES]}, "model": "../outside.onnx"}]))

    with pytest.raises(PackageError, match="specialization 'batch=1' model"):
        load_package(package)


def _echo_of_external_data(location: str, length: int) -> onnx.ModelProto:
    """y = x + w, where w's bytes are read from `location` (ONNX external data)."""
    weights = TensorProto(name="w", data_type=TensorProto.UINT8, dims=[length], data_location=TensorProto.EXTERNAL)
    for key, value in (("location", location), ("length", str(length))):
        entry = weights.external_data.add()
        entry.key, entry.value = key, value
    graph = helper.make_graph([helper.make_node("Add", ["x", "w"], ["y"])], "echo",
                              [helper.make_tensor_value_info("x", TensorProto.UINT8, [length])],
                              [helper.make_tensor_value_info("y", TensorProto.UINT8, [length])],
                              initializer=[weights])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    model.ir_version = 8
    return model


@pytest.mark.parametrize("engine", ["onnxruntime", "openvino"])
@pytest.mark.parametrize("how", ["parent", "absolute", "link"])
def test_external_data_outside_the_package_is_never_read(tmp_path, engine, how):
    """Both engines check external data paths themselves; this holds every upgrade of them to it:
    a model whose weights are the engine's secret, echoed back, would hand it to any caller."""
    secret = _secret_file(tmp_path)
    package = write_tiny_package(tmp_path / "p", engine=engine)
    location = {"parent": "../var/secret_key", "absolute": str(secret), "link": "weights.bin"}[how]
    if how == "link":
        (package / "weights.bin").symlink_to(secret)
    onnx.save(_echo_of_external_data(location, len(SECRET)), str(package / "model.onnx"))
    (package / "signature.json").write_text(json.dumps({
        "inputs": [{"name": "x", "dtype": "uint8", "shape": [len(SECRET)]}],
        "outputs": [{"name": "y", "dtype": "uint8", "shape": [len(SECRET)]}]}))

    try:
        answer = load_package(package).run({"x": np.zeros(len(SECRET), np.uint8)})
    except Exception as refused:  # the engine's path check (what both do today)
        assert SECRET.decode() not in str(refused)
    else:
        assert bytes(answer["y"]) != SECRET, "the engine read the secret into the model's weights"


def test_the_engine_refuses_a_package_that_would_write_a_file_and_stays_up(serving_engine: RunningEngine, tmp_path):
    written = tmp_path / "written-by-the-engine.onnx"
    package = _with_runtime(write_tiny_package(tmp_path / "p"),
                            _session_options(optimized_model_filepath=str(written)))

    with pytest.raises(PackageError, match="optimized_model_filepath"):  # staging refuses it first
        deploy_package(serving_engine.client, package, serving_engine.models_root, "writes-a-file")
    assert not (serving_engine.models_root / "writes-a-file").exists()

    # Staged by other hands (KServe mounts the package itself): the engine's own load refuses it.
    staged = serving_engine.models_root / "writes-a-file"
    shutil.copytree(package, staged)
    (staged / MODEL_SETTINGS_FILE).write_text(json.dumps(model_settings("writes-a-file")))
    try:
        with pytest.raises(ServingError) as refused:
            serving_engine.client.load("writes-a-file")
    finally:
        remove_staged(serving_engine.models_root, "writes-a-file")
    assert "optimized_model_filepath" in refused.value.message
    assert 400 <= refused.value.status_code < 500
    assert not written.exists()
    assert serving_engine.client.live()


def _planted_model(folder: Path, mark: Path, name: str = "mine") -> None:
    """A module that leaves `mark` when imported, and a model-settings.json naming it: what MLServer's
    own scan of its model folder imports, wherever below the folder it lies."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "planted.py").write_text(f"import pathlib\npathlib.Path({str(mark)!r}).write_text('ran')\n"
                                       "class Model: pass\n")
    (folder / MODEL_SETTINGS_FILE).write_text(json.dumps({"name": name, "implementation": "planted.Model"}))


def test_a_package_with_a_folder_of_its_own_is_neither_published_nor_staged(tmp_path):
    package = write_tiny_package(tmp_path / "p")
    _planted_model(package / "x", tmp_path / "mark")

    with pytest.raises(PackageError, match="holds 'x', which is none of its files"):
        check_package(package)
    with pytest.raises(PackageError, match="holds 'x'"):
        stage_package(package, tmp_path / "models", "mine")
    assert not (tmp_path / "models" / "mine").exists()


def test_a_model_settings_file_below_a_staged_model_is_never_read(launched_engines, tmp_path):
    """The platform stages the user's original, every file of the upload, under reference/ for the
    checks on load: an upload that held a model-settings.json beside a module of its own ran that
    module in the engine, at its start and at any load of the name it chose."""
    root = tmp_path / "serving"
    mark = tmp_path / "planted-code-ran"
    package = write_tiny_package(tmp_path / "p")
    _planted_model(package / "reference" / "model", mark)  # as stage_reference stages an upload
    stage_package(package, root / "models", "kept")

    engine = launched_engines(root)
    engine.client.wait_until_ready("kept", 60)

    assert not mark.exists()
    assert [item["name"] for item in engine.client.index()] == ["kept"]
    with pytest.raises(ServingError):
        engine.client.load("mine")
    assert not mark.exists()
    assert engine.client.infer("kept", {"x": np.ones((1, FEATURES), np.float32)})["logits"].shape == (1, 3)


def test_the_kserve_container_reads_no_settings_from_the_package_it_serves(tmp_path):
    """In KServe the engine's ROOT is the package: its settings.json became the server's settings,
    and a model-settings.json below it a model to import."""
    from deploy.tests.test_exports import serving_runtime_container
    from deploy.serving.server import stop_server, wait_until_live
    from deploy.serving.repository import ServingClient

    mark = tmp_path / "planted-code-ran"
    package = write_tiny_package(tmp_path / "package", seed=7)
    _planted_model(package / "x", mark)
    (package / "settings.json").write_text(json.dumps({
        "model_repository_implementation": "planted.Model", "http_port": 1, "load_models_at_startup": True}))
    process, base_url = serving_runtime_container(tmp_path, package)
    try:
        wait_until_live(base_url, 60, process=process)
        client = ServingClient(base_url)
        client.wait_until_ready("from-s3", 60)
        assert [item["name"] for item in client.index()] == ["from-s3"]
        assert client.infer("from-s3", {"x": np.ones((1, FEATURES), np.float32)})["logits"].shape == (1, 3)
    finally:
        stop_server(process)
    assert not mark.exists()


def test_a_link_in_a_staged_reference_is_left_out(tmp_path):
    """The engine reads reference/ (the original, its inputs) with its own rights: a link there
    would have it read whatever the link points at."""
    secret = _secret_file(tmp_path)
    package = write_tiny_package(tmp_path / "p")
    (package / "reference" / "inputs").mkdir(parents=True)
    (package / "reference" / "inputs" / "batch-0.npz").symlink_to(secret)
    (package / "reference" / "model.onnx").write_bytes(b"onnx")

    staged = stage_package(package, tmp_path / "models", "m")

    assert (staged / "reference" / "model.onnx").read_bytes() == b"onnx"
    assert not os.path.lexists(staged / "reference" / "inputs" / "batch-0.npz")

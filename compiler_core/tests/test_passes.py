"""Candidates as passes with typed configs: their specs, names, parents, JSON, and how the tuning
cache picks what to rebuild by spec."""

import json

import onnx
import pytest

from compiler_core import optimize
from compiler_core.cache import TuningCache, cache_key
from compiler_core.candidates import GRAPH_PASSES, ORIGINAL, search_specs, session_variants
from compiler_core.candidates.base import BuildContext
from compiler_core.candidates.onnxruntime_fp32 import original_model
from compiler_core.candidates.spec import (CandidateSpec, Int8DynamicConfig, Int8StaticConfig, OpenVinoConfig,
                                           OrtTransformersConfig, SessionConfig, StaticShapesConfig)
from compiler_core.frontends.loader import file_sha256
from compiler_core.pipeline.search import Remembered
from compiler_core.shapes import parse_shapes
from compiler_core.signature import signature_of

from . import models

INT8_TAIL = ["int8_dynamic", "int8_dynamic_per_tensor", "int8_dynamic_fused", "int8_dynamic_fused_per_tensor",
             "openvino_int8", "int8_static"]


def test_each_recipe_tries_the_same_graph_passes_in_the_same_order_under_the_same_names():
    fp32 = ["ort_transformers", "onnxscript_fusions", "openvino_f32"]
    assert [s.name for s in search_specs("lossless")] == fp32
    assert [s.name for s in search_specs("bf16")] == fp32 + ["openvino_bf16"]
    assert [s.name for s in search_specs("int8")] == fp32 + INT8_TAIL
    assert [s.name for s in search_specs("auto")] == fp32 + ["openvino_bf16"] + INT8_TAIL
    assert all(spec.parent is None and spec.settings == () for spec in search_specs("auto"))
    with pytest.raises(ValueError, match="unknown recipe"):
        search_specs("fast")


def test_a_variant_is_a_config_not_a_name():
    per_tensor = CandidateSpec(graph=Int8DynamicConfig(per_channel=False))
    fused = CandidateSpec(graph=Int8DynamicConfig(fused_graph=True))
    assert per_tensor.graph.kind == fused.graph.kind == "int8_dynamic"
    assert per_tensor != fused and len({per_tensor, fused, per_tensor}) == 2  # hashable, compared by config
    assert CandidateSpec(graph=OpenVinoConfig(precision="bf16")).name == "openvino_bf16"
    # Every graph config has its pass.
    assert {spec.graph.kind for spec in search_specs("auto")} | {"original"} == set(GRAPH_PASSES)


def test_settings_stack_and_each_knows_its_parent():
    graph = CandidateSpec(graph=Int8StaticConfig())
    static = graph.with_setting(StaticShapesConfig())
    tuned = static.with_setting(SessionConfig(spinning=False))

    assert tuned.name == "int8_static+static_shapes+no_spinning"
    assert tuned.parent == static and static.parent == graph and graph.parent is None
    assert tuned.root == graph
    assert tuned.has_setting(StaticShapesConfig) and not graph.has_setting(StaticShapesConfig)
    assert ORIGINAL.with_setting(SessionConfig(threads=1)).name == "original+single_thread"


@pytest.mark.parametrize("setting, name", [
    (SessionConfig(threads=1), "single_thread"),
    (SessionConfig(threads=3), "threads_3"),
    (SessionConfig(spinning=False), "no_spinning"),
    (SessionConfig(graph_level="ORT_ENABLE_EXTENDED"), "extended_graph"),
    (SessionConfig(graph_level="ORT_ENABLE_BASIC"), "basic_graph"),
    (SessionConfig(parallel_inter_op_threads=2), "parallel"),
    (SessionConfig(hyperthreading=False), "no_hyperthreading"),
    (StaticShapesConfig(), "static_shapes"),
])
def test_every_setting_has_its_name(setting, name):
    assert setting.name == name


def test_a_session_setting_changes_exactly_one_option():
    with pytest.raises(ValueError, match="exactly one option"):
        SessionConfig()
    with pytest.raises(ValueError, match="exactly one option"):
        SessionConfig(threads=1, spinning=False)
    with pytest.raises(ValueError):
        SessionConfig(threads=0)


def test_specs_round_trip_through_json():
    specs = search_specs("auto") + [
        ORIGINAL,
        CandidateSpec(graph=OrtTransformersConfig()).with_setting(StaticShapesConfig())
        .with_setting(SessionConfig(graph_level="ORT_ENABLE_EXTENDED")),
        CandidateSpec(graph=OpenVinoConfig(precision="int8")).with_setting(SessionConfig(hyperthreading=False)),
    ]
    for spec in specs:
        stored = json.loads(json.dumps(spec.to_json()))  # what the tuning cache writes and reads
        assert CandidateSpec.from_json(stored) == spec
        assert CandidateSpec.from_json(stored).name == spec.name
    assert CandidateSpec(graph=Int8DynamicConfig(per_channel=False)).with_setting(SessionConfig(spinning=False)) \
        .to_json() == {"graph": {"kind": "int8_dynamic", "per_channel": False, "fused_graph": False},
                       "settings": [{"kind": "session", "spinning": False}]}


@pytest.mark.parametrize("stored", [
    "int8_static+no_spinning",                                       # a name, as version 1 stored it
    {"graph": {"kind": "int8_quantum"}},                             # a pass this version does not have
    {"graph": {"kind": "openvino", "precision": "fp8"}},            # a config it does not accept
    {"graph": {"kind": "int8_static"}, "settings": [{"kind": "session"}]},  # a setting that changes nothing
])
def test_what_is_not_a_spec_is_refused(stored):
    with pytest.raises(ValueError, match="not a candidate spec"):
        CandidateSpec.from_json(stored)


def test_the_cache_rebuilds_graph_passes_picked_by_spec():
    winner = CandidateSpec(graph=Int8DynamicConfig(per_channel=False)).with_setting(StaticShapesConfig()) \
        .with_setting(SessionConfig(spinning=False))
    routed = CandidateSpec(graph=Int8StaticConfig())
    entry = json.loads(json.dumps({"winner": winner.to_json(), "routes": {"batch=4": routed.to_json()},
                                   "candidates": []}))
    remembered = Remembered.from_entry(entry)

    assert remembered.served == {winner, routed}
    # int8_dynamic (per channel) shares the pass, not the config: it is not rebuilt.
    assert [s.name for s in search_specs("auto") if s in remembered.graphs] == ["int8_dynamic_per_tensor", "int8_static"]
    assert Remembered.from_entry({"winner": None, "routes": {}}).graphs == set()


@pytest.mark.parametrize("entry", [
    {"winner": "int8_static+no_spinning", "routes": {}, "candidates": []},  # version 1 stored names
    {"winner": None},                                                      # no routes
    ["not", "an", "entry"],
])
def test_an_entry_this_version_did_not_write_is_a_miss(entry):
    assert Remembered.from_entry(entry) is None


def _context(tmp_path, model_path, threads):
    model = onnx.load(str(model_path))
    return BuildContext(model=model, model_path=model_path, signature=signature_of(model), work_dir=tmp_path,
                        threads=threads, hardware={}, workload="dense", calibration=list, accuracy_budget=0.99)


def test_session_variants_are_children_of_their_base(tmp_path):
    ctx = _context(tmp_path, models.mlp(tmp_path / "m.onnx"), threads=2)
    base = original_model(ctx)
    variants = session_variants(base, ctx)
    assert [v.name for v in variants] == ["original+single_thread", "original+no_spinning",
                                          "original+extended_graph", "original+basic_graph"]
    assert all(v.spec.parent == base.spec for v in variants)
    single = variants[0].runtime["session_options"]
    assert single["intra_op_num_threads"] == 1 and base.runtime["session_options"]["intra_op_num_threads"] == 2
    assert variants[1].runtime["session_options"]["config_entries"] == {"session.intra_op.allow_spinning": "0"}
    assert variants[0].detail.endswith("; one intra-op thread (less synchronisation on small kernels)")


def _key(model_path, recipe, shapes, threads):
    from compiler_core.output_kinds import infer_output_kinds

    model = onnx.load(str(model_path))
    signature = signature_of(model)
    shape_set = parse_shapes(shapes, signature)
    return cache_key(file_sha256(model_path), recipe, 0.99, shape_set, threads, infer_output_kinds(model, signature))


def test_a_cache_hit_rebuilds_only_the_remembered_graph_and_its_setting(tmp_path):
    model_path = models.mlp(tmp_path / "m.onnx")
    remembered = CandidateSpec(graph=OpenVinoConfig(precision="f32")).with_setting(SessionConfig(threads=1))
    TuningCache().put(_key(model_path, "lossless", "batch=2", 2), {
        "winner": remembered.to_json(), "routes": {}, "when": 1.0,
        "candidates": [{"name": "ort_transformers", "status": "skipped", "why_lost": "no attention"}]})

    report = optimize(model_path, tmp_path / "pkg", recipe="lossless", shapes="batch=2", threads=2, time_budget_s=60)

    assert report["timing"]["cache_hit"]
    rebuilt = [c["name"] for c in report["candidates"] if not c.get("from_cache")]
    # openvino_f32 is rebuilt; its single-thread setting only if openvino_f32 still wins (timing decides).
    assert rebuilt[0] == "openvino_f32" and set(rebuilt) <= {"openvino_f32", "openvino_f32+single_thread"}
    assert [c["name"] for c in report["candidates"] if c.get("from_cache")] == ["ort_transformers"]


def test_an_old_cache_entry_is_a_miss_and_is_replaced(tmp_path):
    model_path = models.mlp(tmp_path / "m.onnx")
    key = _key(model_path, "lossless", "batch=2", 2)
    TuningCache().put(key, {"winner": "openvino_f32+single_thread", "routes": {}, "when": 1.0, "candidates": []})

    report = optimize(model_path, tmp_path / "pkg", recipe="lossless", shapes="batch=2", threads=2, time_budget_s=60)

    assert not report["timing"]["cache_hit"]
    assert [c["name"] for c in report["candidates"]][:3] == ["ort_transformers", "onnxscript_fusions", "openvino_f32"]
    assert Remembered.from_entry(TuningCache().get(key)) is not None  # rewritten in this version's form

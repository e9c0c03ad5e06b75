"""The contracts: what optimize writes (report.json, runtime.json, signature.json) is what the JSON
Schemas (and so the API and the console) promise, the committed schemas are the ones the contracts
produce, and the request's defaults and wording come from its contract."""

import json

import jsonschema
import onnx
import pytest

from compiler_core import optimize
from compiler_core.contracts import (SCHEMA_DIR, SCHEMA_FILES, OptimizationRequest, ReportContractError, ReportV2,
                                     Runtime, Signature, render_schema)
from compiler_core.contracts.report import validate_written
from compiler_core.errors import OptimizationError, PackageError
from tests.support.models import tiny_mlp

from . import models


def schema_errors(name: str, document) -> list[str]:
    schema = json.loads((SCHEMA_DIR / name).read_text())
    jsonschema.Draft202012Validator.check_schema(schema)
    return [f"{list(e.absolute_path)}: {e.message}"
            for e in jsonschema.Draft202012Validator(schema).iter_errors(document)]


def assert_package_matches_contracts(package) -> None:
    """runtime.json, signature.json and report.json of a package, each against its committed schema."""
    for file_name, schema in (("runtime.json", "runtime.schema.json"), ("signature.json", "signature.schema.json"),
                              ("report.json", "report.schema.json")):
        document = json.loads((package / file_name).read_text())
        assert schema_errors(schema, document) == [], file_name


@pytest.fixture(scope="module")
def written_package(tmp_path_factory):
    root = tmp_path_factory.mktemp("contract")
    # Through the request contract, as the worker's child and the CLI call it.
    optimize(tiny_mlp(root / "mlp.onnx"), root / "pkg", request=OptimizationRequest(recipe="lossless", threads=2))
    return root / "pkg"


@pytest.fixture(scope="module")
def written_report(written_package):
    return (written_package / "report.json").read_text()


@pytest.mark.parametrize("name", sorted(SCHEMA_FILES))
def test_committed_schema_is_the_contracts_schema(name):
    committed = (SCHEMA_DIR / name).read_text()
    assert committed == render_schema(name), (
        f"compiler_core/contracts/schemas/{name} is stale: run `python -m compiler_core.contracts` and commit it "
        "(then `npm run generate-client` in frontend/)")


def test_written_report_validates_against_the_committed_json_schema(written_report):
    schema = json.loads((SCHEMA_DIR / "report.schema.json").read_text())
    jsonschema.Draft202012Validator.check_schema(schema)
    errors = [f"{list(e.absolute_path)}: {e.message}"
              for e in jsonschema.Draft202012Validator(schema).iter_errors(json.loads(written_report))]
    assert errors == []


def test_written_report_reads_back_unchanged_through_the_model(written_report):
    report = ReportV2.from_json(written_report)
    assert report.report_version == 2 and report.recipe == "lossless"
    assert json.loads(report.to_json()) == json.loads(written_report)


def test_schema_refuses_what_the_report_does_not_promise(written_report):
    """The schema has teeth: a missing headline, a wrong type or an undeclared field fails it."""
    schema = json.loads((SCHEMA_DIR / "report.schema.json").read_text())
    validator = jsonschema.Draft202012Validator(schema)
    report = json.loads(written_report)
    without_headline = json.loads(written_report)
    del without_headline["overall"]["speedup"]
    wrong_type = json.loads(written_report)
    wrong_type["optimizations"][0]["status"] = "great"
    undeclared = dict(report, surprise=1)
    for broken in (without_headline, wrong_type, undeclared):
        assert not validator.is_valid(broken)
        with pytest.raises(ReportContractError):
            validate_written(json.dumps(broken))


def test_reader_ignores_fields_a_newer_writer_added(written_report):
    newer = json.loads(written_report)
    newer["overall"]["something_new"] = 3
    newer["carbon"] = {"grams": 1}
    assert ReportV2.from_json(json.dumps(newer)).overall.speedup == json.loads(written_report)["overall"]["speedup"]


def test_a_report_that_breaks_its_contract_is_never_written(tmp_path, monkeypatch):
    """The writer validates before writing: a bug in the report fails the optimization loudly."""
    from compiler_core import OptimizationError
    from compiler_core import report as report_module

    monkeypatch.setattr(report_module, "software_context", lambda: ["not", "a", "mapping"])
    with pytest.raises(OptimizationError, match="does not match its contract"):
        optimize(tiny_mlp(tmp_path / "mlp.onnx"), tmp_path / "pkg", recipe="lossless", threads=2)
    assert not (tmp_path / "pkg" / "report.json").exists()


# --- runtime.json and signature.json ----------------------------------------------------------------

def test_the_package_the_pipeline_writes_matches_every_committed_schema(written_package):
    assert_package_matches_contracts(written_package)
    runtime = json.loads((written_package / "runtime.json").read_text())
    assert json.loads(ReportV2.from_json((written_package / "report.json").read_text()).model_dump_json(
        exclude_unset=True))["runtime"]["engine"] == runtime["engine"]


def test_a_routed_package_with_specializations_and_another_engine_matches_the_schemas(tmp_path):
    """The richest runtime.json: static graphs per shape, one shape routed to OpenVINO with its own settings."""
    from compiler_core.candidates.base import BuildContext
    from compiler_core.candidates.onnxruntime_fp32 import original_model
    from compiler_core.candidates.openvino_engine import OpenVino
    from compiler_core.candidates.spec import OpenVinoConfig
    from compiler_core.candidates.specialization import specialize
    from compiler_core.package import write_package
    from compiler_core.pipeline import CandidateResult
    from compiler_core.pipeline.route import Route, routed_candidate
    from compiler_core.signature import signature_of

    from .test_shape_routing import _comparison

    model_path = models.conv_net(tmp_path / "cnn.onnx")
    model = onnx.load(str(model_path))
    ctx = BuildContext(model=model, model_path=model_path, signature=signature_of(model), work_dir=tmp_path,
                       threads=1, hardware={}, workload="convolutional", calibration=list, accuracy_budget=0.99)
    default = specialize(original_model(ctx), ctx, [{"N": 1}, {"N": 4}])
    route = Route(label="N=4", shape={"N": 4}, comparison=_comparison(10, 5), default_speedup=1.2,
                  result=CandidateResult(name="openvino_f32", status="passed", candidate=OpenVino().build(ctx, OpenVinoConfig(precision="f32"))))
    write_package(tmp_path / "pkg", routed_candidate(default, [route], ctx.signature, "N=1"), ctx.signature, {})
    for file_name, schema in (("runtime.json", "runtime.schema.json"), ("signature.json", "signature.schema.json")):
        assert schema_errors(schema, json.loads((tmp_path / "pkg" / file_name).read_text())) == []
    runtime = Runtime.from_json((tmp_path / "pkg" / "runtime.json").read_text()).root
    routed = next(spec for spec in runtime.specializations if spec.candidate == "openvino_f32")
    assert routed.runtime.engine == "openvino"


def test_the_writer_refuses_a_runtime_or_signature_that_breaks_its_contract(tmp_path):
    """write_package validates strictly before writing: a bug in a candidate never reaches serving."""
    from compiler_core.candidates.base import Candidate, ort_runtime
    from compiler_core.candidates.spec import ORIGINAL
    from compiler_core.package import write_package
    from compiler_core.signature import signature_of

    model_path = tiny_mlp(tmp_path / "mlp.onnx")
    signature = signature_of(onnx.load(str(model_path)))
    runtime = ort_runtime(2)
    runtime["session_options"]["intra_op_num_threads"] = "2"  # a string where serving expects a count
    candidate = Candidate(spec=ORIGINAL, engine="onnxruntime", precision="fp32", model_path=model_path,
                          runtime=runtime)
    with pytest.raises(PackageError, match="session_options.intra_op_num_threads"):
        write_package(tmp_path / "pkg", candidate, signature, {})
    assert not (tmp_path / "pkg").exists()
    candidate.runtime = ort_runtime(2)
    with pytest.raises(PackageError, match="signature.json"):
        write_package(tmp_path / "pkg", candidate, dict(signature, notes="undeclared"), {})
    assert not (tmp_path / "pkg").exists()


def test_readers_keep_a_newer_writers_fields_and_name_a_wrong_one(written_package, tmp_path):
    import shutil

    from compiler_core.runtime import load_package

    package = tmp_path / "pkg"
    shutil.copytree(written_package, package)
    runtime = json.loads((package / "runtime.json").read_text())
    (package / "runtime.json").write_text(json.dumps(dict(runtime, warmup_runs=3)))
    assert load_package(package).runtime["warmup_runs"] == 3  # lenient: kept, not refused
    del runtime["engine"]  # every reader has taken a missing engine for onnxruntime
    (package / "runtime.json").write_text(json.dumps(runtime))
    assert load_package(package).runtime["engine"] == "onnxruntime"
    (package / "runtime.json").write_text(json.dumps(dict(runtime, providers="CPUExecutionProvider")))
    with pytest.raises(PackageError, match="runtime.json does not match its contract: .*providers"):
        load_package(package)
    signature = json.loads((package / "signature.json").read_text())
    signature["inputs"][0]["shape"] = [1.5, 16]
    (package / "runtime.json").write_text(json.dumps(runtime))
    (package / "signature.json").write_text(json.dumps(signature))
    with pytest.raises(PackageError, match="signature.json does not match its contract: inputs.0.shape"):
        load_package(package)


def test_the_signature_the_inspection_reports_is_the_signature_contract(tmp_path):
    from compiler_core import inspect_model

    info = inspect_model(models.conv_net(tmp_path / "cnn.onnx"))
    assert Signature.validate_written(info["signature"]).inputs[0].shape[0] == "N"


# --- the optimization request ------------------------------------------------------------------------

def test_each_request_default_is_written_once_on_the_contract():
    from compiler_core import accuracy
    from compiler_core.candidates import RECIPES
    from compiler_core.cli import build_parser

    schema = json.loads((SCHEMA_DIR / "request.schema.json").read_text())["properties"]
    assert accuracy.DEFAULT_COSINE_BUDGET == schema["accuracy_budget"]["default"] == 0.99
    assert set(RECIPES) == set(schema["recipe"]["enum"])
    args = build_parser().parse_args(["optimize", "m.onnx", "--out", "pkg"])
    assert (args.recipe, args.accuracy_budget, args.shapes, args.time_budget_s, args.threads) == (
        schema["recipe"]["default"], schema["accuracy_budget"]["default"], None, None, None)
    help_text = build_parser()._subparsers._group_actions[0].choices["optimize"].format_help()
    assert f"(default {schema['accuracy_budget']['default']})" in help_text


def test_optimize_takes_a_request_or_keywords_not_both(tmp_path):
    model = tiny_mlp(tmp_path / "mlp.onnx")
    with pytest.raises(TypeError, match="not both"):
        optimize(model, tmp_path / "pkg", request=OptimizationRequest(), recipe="int8")
    with pytest.raises(OptimizationError, match="accuracy_budget: Input should be greater than 0"):
        optimize(model, tmp_path / "pkg", accuracy_budget=0)
    with pytest.raises(OptimizationError, match="recipe: Input should be"):
        optimize(model, tmp_path / "pkg", recipe="fast")
    assert not (tmp_path / "pkg").exists()


def test_the_request_reads_a_jobs_options_and_refuses_what_it_does_not_promise():
    request = OptimizationRequest.from_options({"recipe": "int8", "accuracy_budget": 0.97, "shapes": "",
                                                "calibration": "/data", "calibration_prefix": "calibration/1"})
    assert (request.recipe, request.accuracy_budget, request.shapes, request.calibration) == (
        "int8", 0.97, None, "/data")
    with pytest.raises(OptimizationError, match="time_budget_s"):
        OptimizationRequest.from_options({"time_budget_s": -10})
    schema = json.loads((SCHEMA_DIR / "request.schema.json").read_text())
    assert schema_errors("request.schema.json", request.to_data()) == []
    assert schema["additionalProperties"] is False
    assert schema_errors("request.schema.json", {"options": {"accuracy_budget": 7}})


@pytest.mark.parametrize("caller, says, never", [("api", "shapes names dims ['seq']", "--shapes"),
                                                  ("cli", "--shapes names dims ['seq']", None)])
def test_shape_errors_in_the_pipeline_name_the_option_as_the_caller_gives_it(tmp_path, caller, says, never):
    request = OptimizationRequest(recipe="lossless", shapes="seq=4", caller=caller)
    with pytest.raises(OptimizationError) as refused:
        optimize(tiny_mlp(tmp_path / "mlp.onnx"), tmp_path / "pkg", request=request)
    assert says in str(refused.value)
    assert never is None or never not in str(refused.value)


def test_advice_to_bring_calibration_data_is_worded_for_the_reader():
    from compiler_core.model_kind import recommendations

    def int8_advice(**caller):
        advice = recommendations("convolutional", {"has_vnni": True}, True, **caller)
        return next(item["why"] for item in advice if item["recipe"] == "int8")

    assert "attach calibration data" in int8_advice() and "--calibration" not in int8_advice()
    assert "give --calibration DIR" in int8_advice(caller="cli")

"""The API documents a job's report, a model version's signature and the optimization request with the
compiler core's contracts, not free-form objects or a second copy of their fields."""

import json

from drf_spectacular.generators import SchemaGenerator

from compiler_core.contracts import SCHEMA_DIR
from jobs.api.schema import to_openapi_30


def _openapi() -> dict:
    return SchemaGenerator().get_schema(request=None, public=True)


def test_the_report_component_is_the_contracts_json_schema():
    contract = json.loads((SCHEMA_DIR / "report.schema.json").read_text())
    components = _openapi()["components"]["schemas"]
    definitions = contract.pop("$defs")
    assert components["Report"] == to_openapi_30(contract)
    for name, definition in definitions.items():
        assert components[name] == to_openapi_30(definition), name
    # The same fields, required the same way, whatever the dialect: derived, not retyped.
    for name, definition in [("Report", contract), *definitions.items()]:
        assert set(components[name].get("properties", {})) == set(definition.get("properties", {})), name
        assert components[name].get("required") == definition.get("required"), name
    assert components["Report"]["properties"]["overall"] == {"$ref": "#/components/schemas/ReportOverall"}
    assert "overall" in components["Report"]["required"]


def test_a_jobs_report_is_a_report_or_an_older_rows_object_or_null():
    report = _openapi()["components"]["schemas"]["Job"]["properties"]["report"]
    assert report["anyOf"][0] == {"$ref": "#/components/schemas/Report"}
    assert report["anyOf"][1]["type"] == "object"  # a report_version 1 row, served as stored
    assert report["nullable"] is True


def test_nullable_and_const_are_written_in_openapi_30_terms():
    assert to_openapi_30({"anyOf": [{"type": "number"}, {"type": "null"}], "title": "X"}) == {
        "type": "number", "title": "X", "nullable": True}
    assert to_openapi_30({"anyOf": [{"$ref": "#/$defs/A"}, {"type": "null"}]}) == {
        "allOf": [{"$ref": "#/components/schemas/A"}], "nullable": True}
    assert to_openapi_30({"const": 2, "type": "integer"}) == {"enum": [2], "type": "integer"}
    assert to_openapi_30({"type": "number", "exclusiveMinimum": 0, "maximum": 1}) == {
        "type": "number", "minimum": 0, "exclusiveMinimum": True, "maximum": 1}


def test_the_accuracy_budget_default_is_the_compiler_cores():
    from compiler_core.accuracy import DEFAULT_COSINE_BUDGET

    request = _openapi()["components"]["schemas"]["OptimizationRequestRequest"]
    assert request["properties"]["accuracy_budget"]["default"] == DEFAULT_COSINE_BUDGET


def _resolved(components: dict, node: dict) -> dict:
    """A property with its hoisted enum (drf-spectacular moves enums into components) put back inline."""
    node = dict(node)
    for part in node.pop("allOf", []):
        node = {**components[part["$ref"].rsplit("/", 1)[1]], **node}
    return node


def test_the_request_component_is_derived_from_the_request_contract():
    from jobs.api.schema import request_contract_property
    from jobs.api.serializers import OptimizationRequestSerializer

    contract = json.loads((SCHEMA_DIR / "request.schema.json").read_text())["properties"]
    components = _openapi()["components"]["schemas"]
    request = components["OptimizationRequestRequest"]["properties"]
    assert request["accuracy_budget"] == to_openapi_30({k: v for k, v in contract["accuracy_budget"].items()
                                                        if k != "title"})
    assert request["accuracy_budget"]["exclusiveMinimum"] is True  # (0, 1], as the compiler core checks
    for api_name, contract_name in OptimizationRequestSerializer.CONTRACT_FIELDS.items():
        prop = _resolved(components, request[api_name])
        assert prop.get("default") == contract[contract_name].get("default"), api_name
        if api_name not in OptimizationRequestSerializer.API_NARROWS:
            assert prop["description"] == contract[contract_name]["description"], api_name
            assert _resolved(components, request[api_name]) == _resolved(
                components, request_contract_property(contract_name)), api_name
        if "enum" in contract[contract_name]:
            assert prop["enum"] == contract[contract_name]["enum"], api_name
    # Where the API narrows the contract, within the contract's bounds and type.
    assert request["shapes"]["type"] == "string" and request["shapes"]["description"] == contract["shapes"]["description"]
    assert request["time_budget_s"]["minimum"] > contract["time_budget_s"]["anyOf"][0]["exclusiveMinimum"]
    # Only the platform's own fields are not the contract's, and the worker's (threads, caller) are not offered.
    assert set(request) - set(OptimizationRequestSerializer.CONTRACT_FIELDS) == {"priority", "calibration"}


def test_the_request_serializers_fields_are_the_contracts():
    from compiler_core.contracts.request import bounds, choices, default
    from jobs.api.serializers import OptimizationRequestSerializer
    from jobs.models import Job

    fields = OptimizationRequestSerializer().fields
    assert fields["accuracy_budget"].default == default("accuracy_budget")
    assert fields["accuracy_budget"].max_value == bounds("accuracy_budget")["le"]
    assert list(fields["recipe"].choices) == choices("recipe") == list(Job.Recipe.values)
    assert fields["recipe"].default == default("recipe") and fields["device"].default == default("target")
    assert list(fields["device"].choices) == choices("target")


def test_a_model_versions_signature_is_the_signature_contract():
    contract = json.loads((SCHEMA_DIR / "signature.schema.json").read_text())
    components = _openapi()["components"]["schemas"]
    definitions = contract.pop("$defs")
    assert components["Signature"] == to_openapi_30(contract)
    assert components["TensorSpec"] == to_openapi_30(definitions["TensorSpec"])
    assert components["ModelVersion"]["properties"]["signature"]["allOf"] == [{"$ref": "#/components/schemas/Signature"}]
    assert components["Model"]["properties"]["signature"]["nullable"] is True


def test_the_reports_runtime_is_the_runtime_contract():
    contract = json.loads((SCHEMA_DIR / "runtime.schema.json").read_text())
    components = _openapi()["components"]["schemas"]
    definitions = contract.pop("$defs")
    assert components["Runtime"] == to_openapi_30(contract)
    assert components["Runtime"]["discriminator"]["mapping"]["openvino"] == "#/components/schemas/OpenVinoRuntime"
    for name, definition in definitions.items():
        assert components[name] == to_openapi_30(definition), name
    assert components["Report"]["properties"]["runtime"]["$ref"] == "#/components/schemas/Runtime"

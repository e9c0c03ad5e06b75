"""The compiler core's contracts in the OpenAPI schema: the report, the signature, the request.

Each contract (compiler_core.contracts, a JSON Schema 2020-12 document) is turned into OpenAPI 3.0
schema objects here. `Report` (a job's report) and `Signature` (a model version's signature) are
registered as components with their `$defs` lifted into `components/schemas` under their own names.
Only the dialect changes, never the content: `anyOf [X, {type: null}]` becomes X with
`nullable: true`, `const` a one-value `enum`, a numeric `exclusiveMinimum` a `minimum` with
`exclusiveMinimum: true`, and `#/$defs/N` references `#/components/schemas/N`.

The request body of POST .../optimizations/ is `OptimizationRequestSerializer`, whose fields are
built from the request contract; its component's properties are the contract's own (converted as
above), except where the API narrows a field (shapes is a string; time_budget_s the platform's range),
which keep the serializer's. The console's types, and its form defaults, are generated from these.
"""

from __future__ import annotations

import copy
from typing import Any

from drf_spectacular.extensions import OpenApiSerializerExtension

from compiler_core.contracts import report_json_schema, request_json_schema, signature_json_schema

REPORT_COMPONENT = "Report"
REPORT_REF = {"$ref": f"#/components/schemas/{REPORT_COMPONENT}"}
SIGNATURE_COMPONENT = "Signature"
SIGNATURE_REF = {"$ref": f"#/components/schemas/{SIGNATURE_COMPONENT}"}
_NULL = {"type": "null"}
_DEFS = "#/$defs/"


def to_openapi_30(node: Any) -> Any:
    """One JSON Schema 2020-12 node (as pydantic writes them) in OpenAPI 3.0's dialect."""
    if isinstance(node, list):
        return [to_openapi_30(item) for item in node]
    if not isinstance(node, dict):
        return node
    node = {key: to_openapi_30(value) for key, value in node.items()}
    ref = node.get("$ref")
    if isinstance(ref, str) and ref.startswith(_DEFS):
        node["$ref"] = "#/components/schemas/" + ref.removeprefix(_DEFS)
    mapping = (node.get("discriminator") or {}).get("mapping")
    if isinstance(mapping, dict):
        node["discriminator"]["mapping"] = {
            tag: "#/components/schemas/" + target.removeprefix(_DEFS) if target.startswith(_DEFS) else target
            for tag, target in mapping.items()}
    for bound, inclusive in (("exclusiveMinimum", "minimum"), ("exclusiveMaximum", "maximum")):
        if isinstance(node.get(bound), (int, float)) and not isinstance(node[bound], bool):
            node[inclusive], node[bound] = node[bound], True
    if "const" in node:
        node["enum"] = [node.pop("const")]
    options = node.get("anyOf")
    if isinstance(options, list) and _NULL in options:
        rest = [option for option in options if option != _NULL]
        del node["anyOf"]
        if len(rest) == 1 and "$ref" not in rest[0]:
            node = {**rest[0], **node}
            if "enum" in node and None not in node["enum"]:
                node["enum"] = [*node["enum"], None]
        else:
            # A $ref takes no siblings in OpenAPI 3.0: nullable goes on a wrapper.
            node["anyOf" if len(rest) > 1 else "allOf"] = rest
        node["nullable"] = True
    return node


def contract_components(schema: dict, name: str) -> dict[str, dict]:
    """One contract's JSON Schema as OpenAPI 3.0 components: `name` and every schema it refers to."""
    schema = copy.deepcopy(schema)
    definitions = schema.pop("$defs", {})
    components = {key: to_openapi_30(definition) for key, definition in definitions.items()}
    components[name] = to_openapi_30(schema)
    return components


def report_components() -> dict[str, dict]:
    """`Report` and every schema it refers to (the runtime's among them), as OpenAPI 3.0 components."""
    return contract_components(report_json_schema(), REPORT_COMPONENT)


def signature_components() -> dict[str, dict]:
    return contract_components(signature_json_schema(), SIGNATURE_COMPONENT)


def add_report_components(result, generator, request, public):
    """Postprocessing hook: register the report and signature contracts' components (the job
    serializer refers to `Report`, the model version's to `Signature`). A name already taken by a
    serializer's component, or by the other contract with another content, is a clash to resolve,
    not to overwrite silently."""
    schemas = result.setdefault("components", {}).setdefault("schemas", {})
    for name, component in {**signature_components(), **report_components()}.items():
        if name in schemas and schemas[name] != component:
            raise ValueError(f"OpenAPI component {name!r} exists twice: a serializer and a contract")
        schemas[name] = component
    result["components"]["schemas"] = dict(sorted(schemas.items()))
    return result


def request_contract_property(contract_field: str) -> dict:
    """The request contract's property for one field, in OpenAPI 3.0's dialect (title dropped: the
    serializer's component names its properties by their API names)."""
    derived = to_openapi_30(copy.deepcopy(request_json_schema()["properties"][contract_field]))
    derived.pop("title", None)
    return derived


class OptimizationRequestExtension(OpenApiSerializerExtension):
    """The request component: the contract's properties, the platform's fields (priority,
    calibration files) as the serializer maps them."""

    target_class = "jobs.api.serializers.OptimizationRequestSerializer"

    def map_serializer(self, auto_schema, direction):
        schema = auto_schema._map_basic_serializer(self.target, direction)
        serializer = self.target if isinstance(self.target, type) else type(self.target)
        for api_name, contract_name in serializer.CONTRACT_FIELDS.items():
            if api_name not in serializer.API_NARROWS:
                schema["properties"][api_name] = request_contract_property(contract_name)
        return schema

"""The API's error shape in the OpenAPI schema, for every operation.

Every error answer has the same body, {"detail": str, "errors": {field: [str]}}
(whetstone.api_errors). A postprocessing hook documents it on every operation
under /api/v1: 400 where a request carries a body or filters, 401 and 403 where
authentication is required, 404 where the path names a resource. Views may
declare more (409, 413) with `ErrorSerializer`.
"""

from __future__ import annotations

from rest_framework import serializers


class ErrorSerializer(serializers.Serializer):
    detail = serializers.CharField(help_text="What went wrong, for a person to read.")
    errors = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        help_text="Messages by field name; empty when the error is not about one field.",
    )


ERROR_REF = {"$ref": "#/components/schemas/Error"}
ERROR_SCHEMA = {
    "type": "object",
    "properties": {
        "detail": {"type": "string", "description": "What went wrong, for a person to read."},
        "errors": {"type": "object", "additionalProperties": {"type": "array", "items": {"type": "string"}},
                   "description": "Messages by field name; empty when the error is not about one field."},
    },
    "required": ["detail", "errors"],
}
DESCRIPTIONS = {
    "400": "The request is invalid; `errors` names the fields.",
    "401": "Not authenticated, or the API token is invalid, expired or revoked.",
    "403": "Authenticated, but not allowed to do this.",
    "404": "No such resource, or it is not visible to you (or no such page).",
}


def add_error_responses(result, generator, request, public):
    components = result.setdefault("components", {}).setdefault("schemas", {})
    components.setdefault("Error", ERROR_SCHEMA)
    for path, item in result.get("paths", {}).items():
        for method, operation in item.items():
            if method not in ("get", "post", "put", "patch", "delete"):
                continue
            responses = operation.setdefault("responses", {})
            security = operation.get("security", [])
            anonymous = any(requirement == {} for requirement in security)
            codes = []
            has_query = any(p.get("in") == "query" and p.get("name") not in ("page",)
                            for p in operation.get("parameters", []))
            if method in ("post", "put", "patch") or has_query:
                codes.append("400")
            if not anonymous:
                codes += ["401", "403"]
            paginated = any(p.get("in") == "query" and p.get("name") == "page"
                            for p in operation.get("parameters", []))
            if "{" in path or paginated:  # a page past the end is 404 too
                codes.append("404")
            for code in codes:
                responses.setdefault(code, {"content": {"application/json": {"schema": ERROR_REF}},
                                            "description": DESCRIPTIONS[code]})
    return result

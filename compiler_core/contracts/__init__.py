"""Typed contracts for what crosses a boundary (DESIGN.md, "One typed contract per boundary").

Each is a pydantic model with a committed JSON Schema under `schemas/`; the API's OpenAPI schema and
the console's types derive from those. Regenerate the files with `python -m compiler_core.contracts`.

- `OptimizationRequest` (request.py): what a caller asks `optimize` for, with every default.
- `Runtime` (runtime.py): a package's runtime.json.
- `Signature` (signature.py): a model's inputs and outputs; a package's signature.json.
- `ReportV2` (report.py): the report.

Writers validate strictly (`validate_written`); readers parse leniently (`from_json`).
"""

import json
from pathlib import Path

from ._base import ContractError
from .report import REPORT_VERSION, ReportContractError, ReportV2, report_json_schema, validate_written
from .request import OptimizationRequest, request_json_schema
from .runtime import Runtime, runtime_json_schema
from .signature import Signature, TensorSpec, signature_json_schema

__all__ = ["REPORT_VERSION", "ContractError", "ReportContractError", "ReportV2", "report_json_schema",
           "validate_written", "OptimizationRequest", "request_json_schema", "Runtime", "runtime_json_schema",
           "Signature", "TensorSpec", "signature_json_schema", "SCHEMA_FILES", "render_schema"]

SCHEMA_DIR = Path(__file__).parent / "schemas"
# file name -> the function that produces its schema
SCHEMA_FILES = {
    "report.schema.json": report_json_schema,
    "request.schema.json": request_json_schema,
    "runtime.schema.json": runtime_json_schema,
    "signature.schema.json": signature_json_schema,
}


def render_schema(name: str) -> str:
    """The committed text of one schema file: stable key order, so a diff shows a real change."""
    return json.dumps(SCHEMA_FILES[name](), indent=2, sort_keys=True) + "\n"


def load_schema(name: str) -> dict:
    return json.loads((SCHEMA_DIR / name).read_text())

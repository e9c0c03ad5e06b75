"""What every contract shares: strict to write, lenient to read, one JSON form.

A contract forbids fields it does not name, so its JSON Schema says `additionalProperties: false`
and a file this version writes with an undeclared field fails `validate_written` (a bug in the
writer, caught by the tests). Readers are lenient: `from_json`/`from_data` accept fields a newer
writer added. Each contract says whether a reader keeps them (`READ_EXTRA = "allow"`: runtime.json,
whose session options are applied as written) or drops them (`"ignore"`: the report).
"""

from __future__ import annotations

import json
from typing import Any, ClassVar, Literal

from pydantic import BaseModel, ConfigDict, ValidationError


class ContractError(ValueError):
    """A file or message does not match its contract."""


def describe(exc: ValidationError) -> str:
    """A pydantic error in a reader's terms: `field.path: what is wrong` per problem."""
    problems = []
    for error in exc.errors():
        where = ".".join(str(part) for part in error["loc"]) or "(the whole document)"
        problems.append(f"{where}: {error['msg']}")
    return "; ".join(problems)


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ContractIO:
    """How a top-level contract (a document with its own file or message) is read and written; mixed
    into a pydantic model (a `Strict` one, or a RootModel for a document that is a union)."""

    READ_EXTRA: ClassVar[Literal["allow", "ignore"]] = "ignore"
    NAME: ClassVar[str] = "document"

    @classmethod
    def from_json(cls, text: str | bytes):
        """Read one, accepting fields this version does not know (a newer writer's additions)."""
        try:
            return cls.model_validate_json(text, extra=cls.READ_EXTRA)
        except ValidationError as exc:
            raise ContractError(f"{cls.NAME} does not match its contract: {describe(exc)}") from exc

    @classmethod
    def from_data(cls, data: Any):
        """As from_json, for data already parsed."""
        try:
            return cls.model_validate(data, extra=cls.READ_EXTRA)
        except ValidationError as exc:
            raise ContractError(f"{cls.NAME} does not match its contract: {describe(exc)}") from exc

    @classmethod
    def read(cls, text: str | bytes) -> Any:
        """What a reader that works on plain data uses: the document as written, checked against the
        contract (ContractError names what is wrong), fields a newer writer added included."""
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise ContractError(f"{cls.NAME} is not valid JSON: {exc}") from exc
        cls.from_data(data)
        return data

    @classmethod
    def validate_written(cls, data: Any):
        """Check what this version is about to write against its own contract, strictly: no coercion,
        no undeclared field."""
        try:
            return cls.model_validate_json(json.dumps(data), strict=True)
        except ValidationError as exc:
            raise ContractError(f"the {cls.NAME} this version wrote does not match its contract: "
                                f"{describe(exc)}") from exc

    def to_data(self) -> dict:
        """The document as its JSON holds it; fields the writer left out stay out."""
        return self.model_dump(mode="json", exclude_unset=True)

    def to_json(self) -> str:
        return json.dumps(self.to_data(), indent=2)


class Contract(ContractIO, Strict):
    """A top-level contract whose document is one object."""

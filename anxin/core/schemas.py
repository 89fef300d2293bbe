"""Schemas shared by every API router: the one error shape and bounded integer parameters."""

from __future__ import annotations

from typing import Annotated, Any

from ninja import Schema
from pydantic import BaseModel, Field

# The databases' 64-bit signed integer: a larger id or page position cannot name a row and used to reach
# the database as an overflow (a 500). Declared on the parameter, it is a 422 naming the field instead.
DB_INT_MAX = 2**63 - 1
# Deepest page an offset may ask for; past it, narrow the filter instead (an OFFSET scans every skipped row).
MAX_OFFSET = 100_000

ObjectId = Annotated[int, Field(ge=1, le=DB_INT_MAX)]


class ErrorOut(Schema):
    """Every 4xx/5xx answer under /api/v1: a stable code, a sentence for people, the field at fault."""

    error: str = Field(description="stable machine-readable code, e.g. not_found, invalid_phone")
    detail: str = Field(description="human-readable explanation")
    field: str | None = Field(description="the input field at fault, when there is one")


def errors(*statuses: int) -> dict[int, type[ErrorOut]]:
    """``response={200: Out, **errors(401, 404)}``: document each error status with the one error schema."""
    return dict.fromkeys(statuses, ErrorOut)


def request_body_schema(model: type[BaseModel]) -> dict[str, Any]:
    """A model's JSON schema with its nested models written in place, for ``openapi_extra`` bodies.

    Pydantic puts nested models under ``$defs`` and points at them with ``#/$defs/…``; pasted into the
    OpenAPI document that pointer resolves against the document root, where there is no ``$defs``.
    """
    schema = model.model_json_schema()
    defs = schema.pop("$defs", {})

    def inline(node: Any) -> Any:
        if isinstance(node, dict):
            ref = node.get("$ref", "")
            if ref.startswith("#/$defs/"):
                return inline(defs[ref.removeprefix("#/$defs/")])
            return {key: inline(value) for key, value in node.items()}
        if isinstance(node, list):
            return [inline(value) for value in node]
        return node

    return inline(schema)

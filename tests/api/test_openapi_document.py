"""The OpenAPI document at /api/v1/openapi.json is valid and says what the endpoints really answer."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.test import Client
from openapi_spec_validator import validate
from pydantic import BaseModel

from anxin.api import api

METHODS = {"get", "post", "put", "patch", "delete"}


@pytest.fixture(scope="module")
def document() -> dict:
    response = Client().get("/api/v1/openapi.json")
    assert response.status_code == 200
    return response.json()


def operations(document: dict) -> Iterator[tuple[str, str, dict]]:
    for path, item in document["paths"].items():
        for method, operation in item.items():
            if method in METHODS:
                yield method.upper(), path, operation


def refs(node: object) -> Iterator[str]:
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "$ref" and isinstance(value, str):
                yield value
            else:
                yield from refs(value)
    elif isinstance(node, list):
        for value in node:
            yield from refs(value)


def test_the_document_is_valid_openapi(document):
    validate(document)


def test_every_reference_points_into_the_document(document):
    broken = set()
    for ref in refs(document):
        node: object = document
        assert ref.startswith("#/"), ref
        for part in ref[2:].split("/"):
            node = node.get(part) if isinstance(node, dict) else None
        if node is None:
            broken.add(ref)

    assert broken == set()


def test_the_social_webhook_body_documents_the_sender(document):
    body = document["paths"]["/api/v1/intake/social"]["post"]["requestBody"]
    schema = body["content"]["application/json"]["schema"]
    if "$ref" in schema:
        schema = document["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]
    sender = schema["properties"]["sender"]
    if "$ref" in sender:
        sender = document["components"]["schemas"][sender["$ref"].rsplit("/", 1)[1]]

    assert sender["required"] == ["id"]
    assert set(sender["properties"]) == {"id", "name", "phone"}


def models_behind_the_api() -> Iterator[type[BaseModel]]:
    """Every pydantic model an operation reads or answers with, and the models nested inside them."""
    seen: set[type[BaseModel]] = set()
    stack: list[object] = []
    for _prefix, router in api._routers:
        for path_view in router.path_operations.values():
            for operation in path_view.operations:
                stack.extend((operation.response_models or {}).values())
                stack.extend(model for model in operation.models)
    while stack:
        item = stack.pop()
        for model in _models_in(item):
            if model in seen:
                continue
            seen.add(model)
            yield model
            stack.extend(field.annotation for field in model.model_fields.values())


def _models_in(annotation: object) -> Iterator[type[BaseModel]]:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        yield annotation
    for arg in getattr(annotation, "__args__", ()):
        yield from _models_in(arg)


def test_no_two_schemas_share_a_component_name():
    by_name: dict[str, set[str]] = {}
    for model in models_behind_the_api():
        if model.__module__.startswith("ninja"):
            continue
        by_name.setdefault(model.__name__, set()).add(f"{model.__module__}.{model.__qualname__}")

    assert {name: where for name, where in by_name.items() if len(where) > 1} == {}


def test_the_order_timeline_is_documented_with_the_order_event_fields(document):
    schemas = document["components"]["schemas"]
    timeline = schemas["OrderDetailOut"]["properties"]["timeline"]["items"]
    event = schemas[timeline["$ref"].rsplit("/", 1)[1]]

    assert set(event["properties"]) == {
        "event",
        "from_status",
        "to_status",
        "actor",
        "note",
        "changes",
        "created_at",
    }


def test_the_claim_timeline_is_documented_with_the_claim_event_fields(document):
    schemas = document["components"]["schemas"]
    timeline = schemas["ClaimDetailOut"]["properties"]["timeline"]["items"]
    event = schemas[timeline["$ref"].rsplit("/", 1)[1]]

    assert set(event["properties"]) == {
        "at",
        "kind",
        "old_status",
        "new_status",
        "decision",
        "actor",
        "reason",
    }


def test_every_operation_documents_the_errors_it_can_answer(document):
    """401 behind auth, 404 for a path that names an object, 422 for any input, JSON error bodies."""
    missing = []
    for method, path, operation in operations(document):
        codes = set(operation["responses"])
        expected = set()
        if operation.get("security"):
            expected.add("401")
        if "{" in path:
            expected.add("404")
        if operation.get("parameters") or operation.get("requestBody"):
            expected.add("422")
        if operation.get("requestBody"):
            expected.update({"400", "413"})
        missing.extend(f"{method} {path} {code}" for code in sorted(expected - codes))
        for code, response in operation["responses"].items():
            if code.startswith(("4", "5")):
                schema = response["content"]["application/json"]["schema"]
                assert schema == {"$ref": "#/components/schemas/ErrorOut"}, (method, path, code)

    assert missing == [], "\n".join(missing)


def test_the_areas_endpoints_document_their_404_and_422(document):
    detail = document["paths"]["/api/v1/areas/divisions/{code}"]["get"]["responses"]
    lookup = document["paths"]["/api/v1/areas/coverage/lookup"]["get"]["responses"]

    assert {"401", "404", "422"} <= set(detail)
    assert {"401", "422"} <= set(lookup)

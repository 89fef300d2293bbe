"""Work orders sit below intake: intake files orders through workorder_create, never the other way."""

import ast
from pathlib import Path

WORKORDERS = Path(__file__).resolve().parents[1]


def _imports(path: Path):
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module:
            yield node.module
        elif isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)


def test_no_workorders_module_imports_intake():
    upward = [
        f"{path.name}: {module}"
        for path in WORKORDERS.rglob("*.py")
        if "tests" not in path.parts
        for module in _imports(path)
        if module == "anxin.intake" or module.startswith("anxin.intake.")
    ]
    assert upward == []


def test_filing_an_order_is_still_served_at_the_orders_path():
    from anxin.api import api

    schema = api.get_openapi_schema()
    operation = schema["paths"]["/api/v1/orders"]["post"]
    assert operation["operationId"] == "anxin_workorders_api_order_create"
    assert {str(code) for code in operation["responses"]} >= {"200", "201", "409", "422", "429"}
    assert "get" in schema["paths"]["/api/v1/orders"]

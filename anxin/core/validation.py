"""Pydantic's validation errors as the one error shape, in the reader's language.

Pydantic writes its messages in English ("Field required"); the API answers in the request's language,
so each error type maps to a catalogue sentence that names the field. The code and the field path stay
as clients key on them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext

# Parts of pydantic's location that name where the input came from, not the field.
_SOURCE_PARTS = ("body", "payload", "query", "path", "form")


@dataclass(frozen=True)
class InputError:
    """One bad input, ready for the error body: status, stable code, sentence for people, field path."""

    status: int
    code: str
    detail: str
    field: str | None


def _detail(kind: str, field: str, ctx: Mapping[str, Any]) -> str:
    """The sentence for one pydantic error type; gettext at call time so the request's language applies."""
    values = {"field": field, **{key: str(value) for key, value in ctx.items()}}
    if kind == "missing":
        return gettext("缺少必填字段 %(field)s") % values
    if kind == "extra_forbidden":
        return gettext("不认识的字段 %(field)s") % values
    if kind in ("string_too_long", "too_long"):
        return gettext("%(field)s 过长：最多 %(max_length)s") % {"max_length": "?", **values}
    if kind in ("string_too_short", "too_short"):
        return gettext("%(field)s 过短：至少 %(min_length)s") % {"min_length": "?", **values}
    if kind in ("string_type", "string_unicode"):
        return gettext("%(field)s 应为文本") % values
    if kind in ("int_parsing", "int_type", "int_from_float", "int_parsing_size"):
        return gettext("%(field)s 应为整数") % values
    if kind.startswith(("decimal_", "float_")):
        return gettext("%(field)s 应为数字") % values
    if kind in ("greater_than", "greater_than_equal", "less_than", "less_than_equal"):
        return gettext("%(field)s 超出允许的范围") % values
    if kind in ("enum", "literal_error"):
        # pydantic lists the choices as "'a', 'b' or 'c'": keep the values, drop the English "or"
        expected = values.get("expected", "?").replace(" or ", ", ")
        return gettext("%(field)s 应为以下之一：%(expected)s") % {**values, "expected": expected}
    if kind.startswith("datetime_"):
        return gettext("%(field)s 应为日期时间，例如 2025-01-31T09:00:00+08:00") % values
    if kind.startswith("date_"):
        return gettext("%(field)s 应为日期，例如 2025-01-31") % values
    if kind.startswith("bool_"):
        return gettext("%(field)s 应为 true 或 false") % values
    if kind in ("list_type", "dict_type", "model_type", "model_attributes_type", "tuple_type", "set_type"):
        return gettext("%(field)s 的格式不正确") % values
    return gettext("%(field)s 的值无效") % values  # value_error and any type not listed above


def input_error_from_pydantic(errors: list[Any]) -> InputError:
    """Pydantic's first error: 422 naming the field (400 for a body that is not JSON at all)."""
    first: Mapping[str, Any] = errors[0] if errors else {}
    loc = [str(part) for part in first.get("loc", []) if part not in _SOURCE_PARTS]
    kind = str(first.get("type", ""))
    if kind == "json_invalid" or (not loc and "JSON" in str(first.get("msg", ""))):
        return InputError(400, "invalid_json", gettext("请求正文不是有效的 JSON"), None)
    code = {"extra_forbidden": "unknown_field", "missing": "missing_field"}.get(kind, "invalid")
    field = ".".join(loc) or None
    detail = _detail(kind, field or gettext("请求正文"), first.get("ctx") or {})
    return InputError(422, code, detail, field)

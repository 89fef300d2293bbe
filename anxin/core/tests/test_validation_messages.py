"""Pydantic's errors become one sentence in the reader's language that names the field."""

from __future__ import annotations

import datetime as dt
import enum

import pytest
from django.utils import translation
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from anxin.core.validation import input_error_from_pydantic


class Colour(enum.Enum):
    RED = "red"
    BLUE = "blue"


class Item(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=2, max_length=5)
    count: int = 0
    colour: Colour = Colour.RED
    at: dt.datetime | None = None


def error_for(data: dict, language: str):
    with pytest.raises(ValidationError) as failed:
        Item.model_validate(data)
    with translation.override(language):
        return input_error_from_pydantic(failed.value.errors())


@pytest.mark.parametrize(
    ("data", "code", "field", "chinese", "english"),
    [
        ({}, "missing_field", "name", "缺少必填字段 name", "The field name is required"),
        ({"name": "abcdef"}, "invalid", "name", "name 过长：最多 5", "name is too long: at most 5"),
        ({"name": "a"}, "invalid", "name", "name 过短：至少 2", "name is too short: at least 2"),
        ({"name": "ab", "count": "x"}, "invalid", "count", "count 应为整数", "count must be a whole number"),
        (
            {"name": "ab", "colour": "green"},
            "invalid",
            "colour",
            "colour 应为以下之一：'red', 'blue'",
            "colour must be one of: 'red', 'blue'",
        ),
        (
            {"name": "ab", "at": "soon"},
            "invalid",
            "at",
            "at 应为日期时间，例如 2025-01-31T09:00:00+08:00",
            "at must be a date and time, e.g. 2025-01-31T09:00:00+08:00",
        ),
        ({"name": "ab", "extra": 1}, "unknown_field", "extra", "不认识的字段 extra", "Unknown field extra"),
    ],
)
def test_each_error_type_names_the_field_in_both_languages(data, code, field, chinese, english):
    in_chinese, in_english = error_for(data, "zh-hans"), error_for(data, "en")

    assert (in_chinese.status, in_chinese.code, in_chinese.field) == (422, code, field)
    assert (in_english.code, in_english.field) == (code, field)
    assert (in_chinese.detail, in_english.detail) == (chinese, english)


def test_a_body_that_is_not_json_is_a_400():
    with pytest.raises(ValidationError) as failed:
        Item.model_validate_json(b"{")

    error = input_error_from_pydantic(failed.value.errors())

    assert (error.status, error.code, error.field) == (400, "invalid_json", None)

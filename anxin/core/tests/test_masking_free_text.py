"""Phone and ID numbers inside what a customer wrote are masked on display."""

from __future__ import annotations

import pytest

from anxin.core.masking import mask_free_text


@pytest.mark.parametrize(
    ("text", "hidden"),
    [
        ("柜门坏了，电话13987654321", "13987654321"),
        ("联系 +86 139 8765 4321", "8765"),
        ("身份证110105199001011234", "110105199001011234"),
        ("证件 11010519900101123X", "19900101"),
        ("座机010-65551234", "6555"),
    ],
)
def test_numbers_that_identify_a_person_are_masked(text, hidden):
    masked = mask_free_text(text)
    assert hidden not in masked and "*" in masked


def test_the_rest_of_the_text_stays_readable():
    assert mask_free_text("型号ZTP-108A 不加热，SN20231234567890") == "型号ZTP-108A 不加热，SN20231234567890"
    assert mask_free_text(None) == "" and mask_free_text("") == ""

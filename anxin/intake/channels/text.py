"""Pull contact and appliance facts out of free text (e-mail bodies, chat messages)."""

from __future__ import annotations

import re

MOBILE = re.compile(r"(?<!\d)(?:\+?86[- ]?)?(1[3-9]\d[- ]?\d{4}[- ]?\d{4})(?!\d)")
LANDLINE = re.compile(r"(?<!\d)(0\d{2,3}-?\d{7,8})(?!\d)")
# "标签：值" lines that customers and partner systems write in messages.
LABELS = {
    "name": ("姓名", "联系人", "name"),
    "phone": ("电话", "手机", "联系电话", "phone", "tel"),
    "address": ("地址", "上门地址", "address"),
    "brand": ("品牌", "brand"),
    "category": ("品类", "产品", "category"),
    "model": ("型号", "model"),
    "serial_number": ("序列号", "SN", "条码", "serial"),
    "preferred_time": ("预约时间", "上门时间", "time"),
}
# "label: value" anywhere in the text; the value runs to the end of the line, a semicolon
# or the next "label:" on the same line.
_NEXT_LABEL = re.compile(r"\s+[^\s:：]{1,6}\s*[:：]")


def _value_after(text: str, label: str) -> str:
    match = re.search(rf"(?<![\w]){re.escape(label)}\s*[:：]\s*([^\n;；]+)", text, flags=re.IGNORECASE)
    if not match:
        return ""
    value = match.group(1)
    cut = _NEXT_LABEL.search(value)
    return (value[: cut.start()] if cut else value).strip(" ，,。")


def extract_fields(text: str) -> dict[str, str]:
    found: dict[str, str] = {}
    for field, names in LABELS.items():
        for label in sorted(names, key=len, reverse=True):
            value = _value_after(text, label)
            if value:
                found[field] = value
                break
    if "phone" not in found:
        mobile = MOBILE.search(text) or LANDLINE.search(text)
        if mobile:
            found["phone"] = mobile.group(1)
    return found

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
_LINE = re.compile(r"^\s*([^:：]{1,12})\s*[:：]\s*(.+?)\s*$")


def extract_fields(text: str) -> dict[str, str]:
    found: dict[str, str] = {}
    for line in text.splitlines():
        match = _LINE.match(line)
        if not match:
            continue
        label, value = match.group(1).strip().lower(), match.group(2)
        for field, names in LABELS.items():
            if field not in found and label in {n.lower() for n in names}:
                found[field] = value
    if "phone" not in found:
        mobile = MOBILE.search(text) or LANDLINE.search(text)
        if mobile:
            found["phone"] = mobile.group(1)
    return found

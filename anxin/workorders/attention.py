"""Why an order needs an agent's look, and where it is: one set of rules for intake and for corrections."""

from __future__ import annotations

from anxin.areas.resolver import resolve
from anxin.workorders.choices import AttentionReason


def place_of(address: str) -> tuple[str, str]:
    """County and township codes of the address, or blanks when it cannot be resolved."""
    if not address.strip():
        return "", ""
    resolution = resolve(address)
    if resolution.status == "ok" and resolution.county_code:
        return resolution.county_code, resolution.township_code
    return "", ""


def attention_reasons(
    *,
    brand_known: bool,
    category_known: bool,
    name: str,
    phone: str,
    description: str,
    address: str,
    county_code: str,
    covered: bool | None,
) -> list[str]:
    """The flags an order carries; it is kept and worked all the same. ``covered`` is None when
    coverage could not be asked (no place, brand or category)."""
    rules = [
        (not brand_known, AttentionReason.UNKNOWN_BRAND),
        (not category_known, AttentionReason.UNKNOWN_CATEGORY),
        (not name.strip(), AttentionReason.NAME_MISSING),
        (not phone, AttentionReason.PHONE_MISSING),
        (not description.strip(), AttentionReason.DESCRIPTION_MISSING),
        (not address.strip(), AttentionReason.ADDRESS_MISSING),
        (bool(address.strip()) and not county_code, AttentionReason.ADDRESS_UNRESOLVED),
        (covered is False, AttentionReason.OUT_OF_COVERAGE),
    ]
    return [str(reason) for flagged, reason in rules if flagged]

"""How customer data looks on screen unless someone with the right role reveals it."""

from __future__ import annotations


def mask_phone(phone: str | None) -> str:
    if not phone:
        return ""
    digits = phone.strip()
    if len(digits) >= 7:
        return f"{digits[:3]}****{digits[-4:]}"
    return "*" * len(digits)


def mask_name(name: str | None) -> str:
    if not name:
        return ""
    name = name.strip()
    if len(name) <= 1:
        return "*"
    return name[0] + "*" * (len(name) - 1)


def mask_address(address: str | None) -> str:
    """Keep the coarse part (province/city, roughly the first 6 characters)."""
    if not address:
        return ""
    address = address.strip()
    keep = min(6, max(len(address) // 3, 1))
    return address[:keep] + "****"


def normalize_phone(phone: str) -> str:
    """Digits only, without the +86 / 0086 prefix, for blind indexing and matching."""
    digits = "".join(ch for ch in phone if ch.isdigit())
    if digits.startswith("0086"):
        digits = digits[4:]
    elif digits.startswith("86") and len(digits) == 13:
        digits = digits[2:]
    return digits


def normalize_email(email: str) -> str:
    return email.strip().lower()

"""How customer data looks on screen unless someone with the right role reveals it."""

from __future__ import annotations

import logging
import re


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


# Numbers that identify a person inside text the customer wrote (descriptions, file names):
# mainland mobiles (optionally +86 and spaced/dashed), landlines with area code, and resident
# ID numbers (18 characters ending in a digit or X; the old 15-digit form).
_ID_NUMBER = re.compile(r"(?<![0-9A-Za-z])(?:\d{17}[\dXx]|\d{15})(?![0-9A-Za-z])")
_MOBILE = re.compile(r"(?<!\d)((?:\+?86[- ]?)?1[3-9]\d)([- ]?\d{4}[- ]?)(\d{4})(?!\d)")
_LANDLINE = re.compile(r"(?<!\d)(0\d{2,3}[- ]?)(\d{3,4})([- ]?\d{4})(?!\d)")


def mask_free_text(value: object) -> str:
    """Mask phone and ID numbers inside customer free text; the rest stays readable for the job."""
    if not value:
        return ""
    text = str(value)
    text = _ID_NUMBER.sub(lambda m: m.group(0)[:3] + "*" * (len(m.group(0)) - 7) + m.group(0)[-4:], text)
    text = _MOBILE.sub(lambda m: m.group(1) + re.sub(r"\d", "*", m.group(2)) + m.group(3), text)
    return _LANDLINE.sub(lambda m: m.group(1) + "*" * len(m.group(2)) + m.group(3), text)


# Secrets that can ride along in a logged URL or message: the tracking token (?t=…), API
# tokens (ax_…, "Bearer …"), signatures and one-time codes in query strings.
_SECRET_IN_TEXT = re.compile(
    r"(?P<keep>[?&](?:t|token|sig|signature|code|otp)=)[^&\s\"']+"
    r"|(?P<bearer>Bearer\s+)\S+"
    r"|\bax_[A-Za-z0-9_\-]{8,}"
)


def redact_secrets(text: str) -> str:
    """Log-safe text: tokens replaced, phone and ID numbers masked."""

    def _sub(match: re.Match[str]) -> str:
        prefix = match.group("keep") or match.group("bearer") or ""
        return f"{prefix}[redacted]"

    return mask_free_text(_SECRET_IN_TEXT.sub(_sub, text))


class RedactSecretsFilter(logging.Filter):
    """Attached to every log handler: whatever a logger says, no token or phone number is written."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # noqa: BLE001 - a broken format string must not break logging
            return True
        redacted = redact_secrets(message)
        if redacted != message:
            record.msg, record.args = redacted, None
        return True

"""Pluggable outbound message providers. Choose one with ANXIN_SMS_PROVIDER (dotted path)."""

from __future__ import annotations

import logging
from typing import Protocol

from django.conf import settings
from django.utils.module_loading import import_string

from anxin.core.masking import mask_phone

logger = logging.getLogger("anxin.sms")


class SmsProvider(Protocol):
    name: str

    def send(self, *, phone: str, text: str) -> None: ...


class ConsoleSmsProvider:
    """Development default: writes the message to the log instead of a carrier."""

    name = "console"

    def send(self, *, phone: str, text: str) -> None:
        # The full text goes to the operator's console (needed to log in with a code in the demo);
        # the phone is masked as everywhere else.
        logger.warning("SMS to %s: %s", mask_phone(phone), text)


def get_sms_provider() -> SmsProvider:
    return import_string(settings.ANXIN_SMS_PROVIDER)()

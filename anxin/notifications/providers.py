"""Pluggable outbound message providers. Choose one with ANXIN_SMS_PROVIDER (dotted path)."""

from __future__ import annotations

import logging
import os
import sys
from pathlib import Path
from typing import Protocol

from django.conf import settings
from django.utils.module_loading import import_string

from anxin.core.masking import mask_phone

logger = logging.getLogger("anxin.sms")


class SmsProvider(Protocol):
    name: str

    def send(self, *, phone: str, text: str, reference: str = "") -> None:
        """Send or raise. ``reference`` identifies the job and message kind; carriers that accept a
        client reference (an "out id") can use it to drop a duplicate after a worker crash."""


class ConsoleSmsProvider:
    """Development default: writes the message to the log instead of a carrier."""

    name = "console"

    def send(self, *, phone: str, text: str, reference: str = "") -> None:
        # The full text goes to the operator's console (needed to log in with a code in the demo);
        # the phone is masked as everywhere else. A one-time code is the one line the demo user is
        # looking for, so it stands out and shows even when the console is quiet (WARNING).
        if reference.rpartition(":")[2] == "otp":
            logger.warning(_highlight("SMS code to %s: %s"), mask_phone(phone), text)
        else:
            logger.info("SMS to %s: %s", mask_phone(phone), text)


def _highlight(line: str) -> str:
    """Bold yellow between rules on a terminal; plain text in a file or a captured log."""
    if not sys.stderr.isatty():
        return f">>> {line} <<<"
    return f"\033[1;30;43m >>> {line} <<< \033[0m"


class FileSinkSmsProvider:
    """For fault drills and end-to-end tests: appends each sent text to ANXIN_SMS_SINK_FILE and
    fails while the file named by ANXIN_SMS_FAIL_FLAG exists (a carrier outage you can switch)."""

    name = "file-sink"

    def send(self, *, phone: str, text: str, reference: str = "") -> None:
        flag = os.environ.get("ANXIN_SMS_FAIL_FLAG", "")
        if flag and Path(flag).exists():
            raise ConnectionError("SMS gateway unavailable (fail flag present)")
        with open(os.environ["ANXIN_SMS_SINK_FILE"], "a", encoding="utf-8") as sink:
            sink.write(f"{reference}\t{mask_phone(phone)}\t{text}\n")


def get_sms_provider() -> SmsProvider:
    return import_string(settings.ANXIN_SMS_PROVIDER)()

"""Number masking (隐私号): a carrier binds a virtual number to a customer and a technician for one order.

Choose a provider with ANXIN_CALL_MASKING_PROVIDER (dotted path), like ANXIN_SMS_PROVIDER. A real one
calls the carrier's "AXB" binding API (Alibaba Cloud PLS, China Mobile/Unicom privacy numbers …);
the demo default allocates numbers from a configured pool and only logs the binding, masked.
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Collection
from dataclasses import dataclass
from typing import Protocol

from django.conf import settings
from django.utils.module_loading import import_string
from django.utils.translation import gettext

from anxin.core.exceptions import Conflict
from anxin.core.masking import mask_phone

logger = logging.getLogger("anxin.calls")


@dataclass(frozen=True)
class Binding:
    binding_id: str
    virtual_number: str


class CallMaskingProvider(Protocol):
    name: str

    def bind(self, *, party_a: str, party_b: str, reference: str, numbers_in_use: Collection[str]) -> Binding:
        """Bind a virtual number to the two real numbers; raise when none is free."""

    def release(self, *, binding_id: str, virtual_number: str) -> None:
        """Undo a binding (idempotent: releasing twice is not an error)."""


class PoolCallMaskingProvider:
    """Demo default: the first number of ANXIN_CALL_MASKING_POOL not bound to another open order."""

    name = "pool"

    def bind(self, *, party_a: str, party_b: str, reference: str, numbers_in_use: Collection[str]) -> Binding:
        free = [n for n in settings.ANXIN_CALL_MASKING_POOL if n not in set(numbers_in_use)]
        if not free:
            raise Conflict(gettext("隐私号已用完"), code="no_virtual_number", field="virtual_number")
        binding = Binding(binding_id=secrets.token_hex(8), virtual_number=free[0])
        logger.info(
            "call masking: bound %s ↔ %s to %s for %s (binding %s)",
            mask_phone(party_a), mask_phone(party_b) if party_b else "-", binding.virtual_number,
            reference, binding.binding_id,
        )  # fmt: skip
        return binding

    def release(self, *, binding_id: str, virtual_number: str) -> None:
        logger.info("call masking: released %s (binding %s)", virtual_number, binding_id)


def get_call_masking_provider() -> CallMaskingProvider:
    return import_string(settings.ANXIN_CALL_MASKING_PROVIDER)()

"""Pluggable payment providers. Choose one with ANXIN_PAYMENT_PROVIDER (dotted path of a class)."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from decimal import Decimal
from typing import Protocol

from django.conf import settings
from django.utils.module_loading import import_string

from anxin.pricing.choices import PaymentStatus


@dataclass(frozen=True)
class ChargeResult:
    reference: str  # the provider's transaction id
    status: str  # a PaymentStatus value


class PaymentProvider(Protocol):
    name: str

    def charge(self, *, amount: Decimal, reference: str) -> ChargeResult:
        """Collect ``amount`` yuan; ``reference`` is our receipt number (send it as the merchant order id)."""

    def refund(self, *, reference: str, amount: Decimal) -> str:
        """Give back ``amount`` of the charge ``reference``; returns the refund's id, or raises."""


class DemoPaymentProvider:
    """The demo's provider: every charge is paid at once, every refund succeeds. Never moves money."""

    name = "demo"

    def charge(self, *, amount: Decimal, reference: str) -> ChargeResult:
        return ChargeResult(reference=f"DEMO-{reference}-{secrets.token_hex(4)}", status=PaymentStatus.PAID)

    def refund(self, *, reference: str, amount: Decimal) -> str:
        return f"DEMO-RF-{secrets.token_hex(6)}"


def get_payment_provider() -> PaymentProvider:
    provider: PaymentProvider = import_string(settings.ANXIN_PAYMENT_PROVIDER)()
    return provider

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PricingConfig(AppConfig):
    """Published price lists (收费标准), quotes built from them, the customer's approval with signature, payments and refunds."""

    name = "anxin.pricing"
    label = "pricing"
    verbose_name = _("收费与报价")

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from anxin.core.fields import EncryptedTextField
from anxin.core.models import TimestampedModel


class Customer(TimestampedModel):
    """A person who owns appliances. Name, phone, email and address are encrypted at rest;
    ``phone_index``/``email_index`` are HMAC blind indexes for lookups.

    ``language`` is the language of every message we send them (and of their pages once they sign
    in); ``messages_opted_out`` stops the non-essential ones (technician on the way, arrived,
    completed), never the essential ones (codes, order accepted, claim decided).
    """

    name = EncryptedTextField(blank=True, verbose_name=_("姓名"))
    phone = EncryptedTextField(blank=True, verbose_name=_("电话"))
    email = EncryptedTextField(blank=True, verbose_name=_("邮箱"))
    address = EncryptedTextField(blank=True, verbose_name=_("地址"))
    phone_index = models.CharField(max_length=64, blank=True, db_index=True, verbose_name=_("电话检索索引"))
    email_index = models.CharField(max_length=64, blank=True, db_index=True, verbose_name=_("邮箱检索索引"))
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="customer",
        verbose_name=_("登录账号"),
    )
    language = models.CharField(
        _("消息语言"),
        max_length=10,
        choices=settings.LANGUAGES,
        default=settings.LANGUAGE_CODE,
        db_default=settings.LANGUAGE_CODE,  # rows written by other code paths (migrations, raw SQL)
    )
    messages_opted_out = models.BooleanField(_("已退订非必要短信"), default=False, db_default=False)

    class Meta:
        verbose_name = _("客户")
        verbose_name_plural = _("客户")

    def __str__(self) -> str:
        return f"Customer #{self.pk}"


class Device(TimestampedModel):
    """An appliance registered to a customer; decides whether a repair is under warranty."""

    customer = models.ForeignKey(
        Customer, on_delete=models.CASCADE, related_name="devices", verbose_name=_("客户")
    )
    brand = models.ForeignKey(
        "catalog.Brand", on_delete=models.PROTECT, related_name="devices", verbose_name=_("品牌")
    )
    category = models.ForeignKey(
        "catalog.ProductCategory", on_delete=models.PROTECT, related_name="devices", verbose_name=_("品类")
    )
    product_model = models.ForeignKey(
        "catalog.ProductModel",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="devices",
        verbose_name=_("产品型号"),
    )
    serial_number = models.CharField(max_length=60, blank=True, verbose_name=_("序列号"))
    purchase_date = models.DateField(null=True, blank=True, verbose_name=_("购买日期"))
    warranty_end = models.DateField(null=True, blank=True, verbose_name=_("保修截止"))

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("设备")
        verbose_name_plural = _("设备")

    def __str__(self) -> str:
        return f"{self.brand} {self.category} {self.serial_number or ''}".strip()

    def in_warranty_on(self, day: dt.date) -> bool | None:
        """None when the warranty end is unknown."""
        if self.warranty_end is None:
            return None
        return day <= self.warranty_end

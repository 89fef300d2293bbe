from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from anxin.core.fields import EncryptedTextField
from anxin.workorders.choices import Channel

RECEIPT_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"  # no 0/O, 1/I/L: read out on the phone


def new_receipt_number() -> str:
    """RQ + day + 10 random characters (~49 bits): unguessable, so it names nothing but this request."""
    day = timezone.localdate().strftime("%Y%m%d")
    return f"RQ{day}-" + "".join(secrets.choice(RECEIPT_ALPHABET) for _ in range(10))


class IntakeRequest(models.Model):
    """Every request that reached us, on any channel, and the order it created or joined.

    This is the "never dropped" record: a duplicate that was linked to an open
    order still has its own row here. Its ``receipt_number`` is what the requester
    is told when the request joined an order that already existed: the existing
    order belongs to whoever filed it first, and a request reveals nothing about it.
    """

    receipt_number = models.CharField(max_length=24, unique=True, default=new_receipt_number)
    channel = models.CharField(max_length=12, choices=Channel.choices)
    order = models.ForeignKey(
        "workorders.WorkOrder", on_delete=models.PROTECT, related_name="intake_requests"
    )
    created_order = models.BooleanField(help_text="False when linked to an already open order")
    external_ref = models.CharField(max_length=200, blank=True, help_text="message id, partner reference…")
    content = EncryptedTextField(
        blank=True, help_text="what this request said (JSON), kept even when it joined an open order"
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    received_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("报修请求")
        verbose_name_plural = _("报修请求")
        ordering = ["-received_at"]
        # Redeliveries are matched per (channel, submitter): one API client's reference
        # never answers for another's.
        indexes = [
            models.Index(
                fields=["channel", "submitted_by", "external_ref"], name="intake_req_chan_sub_ref_idx"
            )
        ]

    def __str__(self) -> str:
        return self.receipt_number


class IdempotencyRecord(models.Model):
    """An API client's Idempotency-Key and the order its first request produced."""

    client = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=200)
    request_fingerprint = models.CharField(max_length=64)
    order = models.ForeignKey("workorders.WorkOrder", on_delete=models.CASCADE, related_name="+")
    intake_request = models.ForeignKey(
        IntakeRequest, null=True, on_delete=models.CASCADE, related_name="+", help_text="what a retry replays"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("幂等记录")
        verbose_name_plural = _("幂等记录")
        constraints = [
            models.UniqueConstraint(fields=["client", "key"], name="uniq_idempotency_key_per_client")
        ]

    def __str__(self) -> str:
        return f"{self.client_id}:{self.key}"

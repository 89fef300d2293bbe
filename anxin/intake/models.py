from __future__ import annotations

from django.conf import settings
from django.db import models

from anxin.workorders.choices import Channel


class IntakeRequest(models.Model):
    """Every request that reached us, on any channel, and the order it created or joined.

    This is the "never dropped" record: a duplicate that was linked to an open
    order still has its own row here.
    """

    channel = models.CharField(max_length=12, choices=Channel.choices)
    order = models.ForeignKey(
        "workorders.WorkOrder", on_delete=models.PROTECT, related_name="intake_requests"
    )
    created_order = models.BooleanField(help_text="False when linked to an already open order")
    external_ref = models.CharField(max_length=200, blank=True, help_text="message id, partner reference…")
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    received_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-received_at"]
        indexes = [models.Index(fields=["channel", "external_ref"])]

    def __str__(self) -> str:
        return f"{self.channel} → {self.order_id}"


class IdempotencyRecord(models.Model):
    """An API client's Idempotency-Key and the order its first request produced."""

    client = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=200)
    request_fingerprint = models.CharField(max_length=64)
    order = models.ForeignKey("workorders.WorkOrder", on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["client", "key"], name="uniq_idempotency_key_per_client")
        ]

    def __str__(self) -> str:
        return f"{self.client_id}:{self.key}"

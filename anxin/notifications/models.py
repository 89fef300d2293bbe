from __future__ import annotations

from django.db import models

from anxin.core.fields import EncryptedTextField


class Notification(models.Model):
    """A message sent to a customer (acknowledgement, one-time code); the recipient is encrypted."""

    class Channel(models.TextChoices):
        SMS = "sms", "SMS"
        EMAIL = "email", "Email"

    channel = models.CharField(max_length=8, choices=Channel.choices)
    kind = models.CharField(max_length=20, db_index=True, help_text="ack, ack_linked, otp, …")
    recipient = EncryptedTextField()
    body = EncryptedTextField()
    order = models.ForeignKey(
        "workorders.WorkOrder", null=True, blank=True, on_delete=models.CASCADE, related_name="notifications"
    )
    provider = models.CharField(max_length=60)
    sent_at = models.DateTimeField(null=True, blank=True)
    error = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.channel} #{self.pk}"

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from anxin.core.fields import EncryptedTextField
from anxin.notifications.choices import JobStatus


class Job(models.Model):
    """A unit of background work that must not be lost: the durable outbox row behind a Huey message.

    Written in the caller's transaction, so it exists exactly when the order does. The Huey message
    is only a wake-up; the row is the truth. It is marked done only after its handler succeeded,
    retried with exponential backoff, and parked as ``dead`` after too many attempts for staff to
    look at in the admin. The payload holds ids and flags only, never personal data.
    """

    kind = models.CharField(
        max_length=100,
        db_index=True,
        help_text="Dotted path of the registered handler",
        verbose_name=_("任务类型"),
    )
    payload = models.JSONField(default=dict, help_text="Ids and flags only", verbose_name=_("参数"))
    status = models.CharField(
        max_length=10, choices=JobStatus.choices, default=JobStatus.PENDING, verbose_name=_("状态")
    )
    attempts = models.PositiveIntegerField(default=0, verbose_name=_("尝试次数"))
    next_attempt_at = models.DateTimeField(default=timezone.now, verbose_name=_("下次尝试时间"))
    locked_until = models.DateTimeField(
        null=True, blank=True, help_text="Lease of the worker running it", verbose_name=_("锁定至")
    )
    last_error = models.CharField(max_length=300, blank=True, verbose_name=_("最近错误"))
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("创建时间"))
    done_at = models.DateTimeField(null=True, blank=True, verbose_name=_("完成时间"))

    class Meta:
        verbose_name = _("后台任务")
        verbose_name_plural = _("后台任务")
        ordering = ["-created_at"]
        indexes = [
            # The sweeper only ever reads unfinished rows; keep its index small.
            models.Index(
                fields=["next_attempt_at"],
                condition=Q(status__in=["pending", "running"]),
                name="job_unfinished_due_idx",
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} #{self.pk} ({self.status})"


class Notification(models.Model):
    """A message sent to a customer (acknowledgement, one-time code); the recipient is encrypted.

    ``recipient_index`` is a keyed hash (blind index) of the recipient, used to count messages per
    recipient for the rate limit without ever reading the plain phone or address.
    """

    class Channel(models.TextChoices):
        SMS = "sms", "SMS"
        EMAIL = "email", "Email"

    channel = models.CharField(max_length=8, choices=Channel.choices)
    kind = models.CharField(max_length=20, db_index=True, help_text="ack, ack_linked, otp, …")
    recipient = EncryptedTextField()
    recipient_index = models.CharField(max_length=64, blank=True, default="")
    body = EncryptedTextField()
    order = models.ForeignKey(
        "workorders.WorkOrder", null=True, blank=True, on_delete=models.CASCADE, related_name="notifications"
    )
    job = models.ForeignKey(
        Job, null=True, blank=True, on_delete=models.SET_NULL, related_name="notifications"
    )
    provider = models.CharField(max_length=60)
    sent_at = models.DateTimeField(null=True, blank=True)
    error = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("消息")
        verbose_name_plural = _("消息")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["recipient_index", "sent_at"], name="notification_budget_idx")]

    def __str__(self) -> str:
        return f"{self.channel} #{self.pk}"

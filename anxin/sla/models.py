from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from anxin.core.models import TimestampedModel
from anxin.sla.choices import AlertLevel, PauseReason, SlaKind, SlaState
from anxin.workorders.choices import Priority


class SlaPolicy(TimestampedModel):
    """The promises for a brand/category/priority, and the calendar their clocks run on.

    Empty brand/category/priority means "any"; the most specific active policy wins.
    """

    name = models.CharField(max_length=80, unique=True)
    brand = models.ForeignKey(
        "catalog.Brand", null=True, blank=True, on_delete=models.CASCADE, related_name="sla_policies"
    )
    category = models.ForeignKey(
        "catalog.ProductCategory",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="sla_policies",
    )
    priority = models.CharField(max_length=10, choices=Priority.choices, blank=True)
    round_the_clock = models.BooleanField(default=True, help_text="24 h brands: every minute counts")
    working_hours = models.CharField(
        max_length=100,
        blank=True,
        default="08:30-12:00,13:30-18:00",
        help_text="used when not round the clock",
    )
    region_holidays = models.CharField(
        max_length=300, blank=True, help_text="extra local holidays, YYYY-MM-DD,…"
    )
    escalate_after_minutes = models.PositiveIntegerField(
        default=30, help_text="breach → supervisor after this long"
    )
    is_active = models.BooleanField(default=True)

    class Meta:
        verbose_name = _("时效策略")
        verbose_name_plural = _("时效策略")

    def __str__(self) -> str:
        return self.name


class SlaTarget(models.Model):
    """One promise of a policy: e.g. technician confirmed within 30 business minutes of intake."""

    policy = models.ForeignKey(SlaPolicy, on_delete=models.CASCADE, related_name="targets")
    kind = models.CharField(max_length=24, choices=SlaKind.choices)
    minutes = models.PositiveIntegerField()
    starts_on = models.CharField(
        max_length=30, default="created", help_text="order event that starts the clock"
    )
    warn_before_minutes = models.PositiveIntegerField(default=10)

    class Meta:
        verbose_name = _("时效目标")
        verbose_name_plural = _("时效目标")
        constraints = [models.UniqueConstraint(fields=["policy", "kind"], name="uniq_target_kind_per_policy")]

    def __str__(self) -> str:
        return f"{self.policy}: {self.kind} ≤ {self.minutes} min"


class SlaClock(models.Model):
    """A running promise on one order; due_at is recomputed exactly when a pause ends."""

    order = models.ForeignKey("workorders.WorkOrder", on_delete=models.CASCADE, related_name="sla_clocks")
    kind = models.CharField(max_length=24, choices=SlaKind.choices)
    policy = models.ForeignKey(SlaPolicy, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    target_minutes = models.PositiveIntegerField()
    warn_before_minutes = models.PositiveIntegerField(default=10)
    state = models.CharField(max_length=12, choices=SlaState.choices, default=SlaState.RUNNING, db_index=True)
    started_at = models.DateTimeField()
    due_at = models.DateTimeField(db_index=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    breached_at = models.DateTimeField(null=True, blank=True)
    warned_at = models.DateTimeField(null=True, blank=True)
    escalated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("时效计时")
        verbose_name_plural = _("时效计时")
        ordering = ["due_at"]
        constraints = [
            models.UniqueConstraint(fields=["order", "kind"], name="uniq_sla_clock_kind_per_order")
        ]
        indexes = [models.Index(fields=["state", "due_at"])]

    def __str__(self) -> str:
        return f"{self.order_id} {self.kind} due {self.due_at:%Y-%m-%d %H:%M}"


class SlaPause(models.Model):
    """Time the order waits on someone else (customer, parts); audited and subtracted from every clock."""

    order = models.ForeignKey("workorders.WorkOrder", on_delete=models.CASCADE, related_name="sla_pauses")
    reason = models.CharField(max_length=20, choices=PauseReason.choices)
    note = models.CharField(max_length=300, blank=True)
    paused_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    started_at = models.DateTimeField()
    resumed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    ended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("时效暂停")
        verbose_name_plural = _("时效暂停")
        ordering = ["started_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["order"], condition=models.Q(ended_at__isnull=True), name="one_open_pause_per_order"
            )
        ]

    def __str__(self) -> str:
        return f"{self.order_id} paused ({self.reason})"


class SlaAlert(models.Model):
    """A warning before breach, a breach notice to dispatchers, an escalation to supervisors."""

    clock = models.ForeignKey(SlaClock, on_delete=models.CASCADE, related_name="alerts")
    level = models.CharField(max_length=12, choices=AlertLevel.choices)
    notify_role = models.CharField(max_length=20)
    message = models.CharField(max_length=300)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    acknowledged_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("时效告警")
        verbose_name_plural = _("时效告警")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["clock", "level"], name="one_alert_per_level_per_clock")
        ]

    def __str__(self) -> str:
        return f"{self.level}: {self.message}"

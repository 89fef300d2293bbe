from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from anxin.dispatch.choices import EscalationReason, OfferState, PlanTrigger
from anxin.network.models import ServicePoint, Technician


class DispatchOffer(models.Model):
    """A job offered to one technician, who must accept within the timeout (the 30-minute SLA runs on it).

    At most one pending offer per order (partial unique constraint): the offer loop can never
    double-offer, even with two workers racing.
    """

    order = models.ForeignKey(
        "workorders.WorkOrder", on_delete=models.CASCADE, related_name="offers", verbose_name=_("工单")
    )
    technician = models.ForeignKey(
        Technician, on_delete=models.CASCADE, related_name="offers", verbose_name=_("技师")
    )
    state = models.CharField(
        max_length=12,
        choices=OfferState.choices,
        default=OfferState.PENDING,
        db_index=True,
        verbose_name=_("状态"),
    )
    offered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="empty: the system's offer loop",
        verbose_name=_("派单人"),
    )
    rank = models.PositiveSmallIntegerField(
        default=1, help_text="1 = the engine's best technician", verbose_name=_("排名")
    )
    score = models.FloatField(null=True, blank=True, verbose_name=_("评分"))
    planned_day = models.DateField(null=True, blank=True, verbose_name=_("计划日期"))
    eta = models.DateTimeField(
        null=True, blank=True, help_text="planned arrival if accepted", verbose_name=_("预计到达")
    )
    distance_m = models.PositiveIntegerField(null=True, blank=True, verbose_name=_("距离（米）"))
    created_at = models.DateTimeField(db_index=True, verbose_name=_("创建时间"))
    expires_at = models.DateTimeField(db_index=True, verbose_name=_("过期时间"))
    answered_at = models.DateTimeField(null=True, blank=True, verbose_name=_("答复时间"))
    note = models.CharField(max_length=200, blank=True, verbose_name=_("备注"))

    class Meta:
        verbose_name = _("派单邀约")
        verbose_name_plural = _("派单邀约")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["order"], condition=models.Q(state="pending"), name="one_pending_offer_per_order"
            )
        ]

    def __str__(self) -> str:
        return f"{self.order_id} → {self.technician_id} ({self.state})"


class DispatchPin(models.Model):
    """A dispatcher's decision: this order stays with this technician at this arrival time.

    Re-plans give the job the engine's ``pinned_technician`` and narrow its window to ``arrival``,
    so neither who nor when changes, while the other jobs are optimised around it.
    """

    order = models.OneToOneField(
        "workorders.WorkOrder", on_delete=models.CASCADE, related_name="dispatch_pin"
    )
    technician = models.ForeignKey(Technician, on_delete=models.CASCADE, related_name="pins")
    arrival = models.DateTimeField(
        null=True, blank=True, help_text="planned arrival when pinned; empty: any time"
    )
    pinned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("锁定派单")
        verbose_name_plural = _("锁定派单")

    def __str__(self) -> str:
        return f"{self.order_id} pinned to {self.technician_id}"


class DispatchEscalation(models.Model):
    """The offer loop ran out of technicians: a dispatcher must act (shown on the board)."""

    order = models.ForeignKey(
        "workorders.WorkOrder",
        on_delete=models.CASCADE,
        related_name="dispatch_escalations",
        verbose_name=_("工单"),
    )
    reason = models.CharField(max_length=20, choices=EscalationReason.choices, verbose_name=_("升级原因"))
    created_at = models.DateTimeField(db_index=True, verbose_name=_("创建时间"))
    resolved_at = models.DateTimeField(null=True, blank=True, verbose_name=_("处理时间"))
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("处理人"),
    )

    class Meta:
        verbose_name = _("派单升级")
        verbose_name_plural = _("派单升级")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["order"],
                condition=models.Q(resolved_at__isnull=True),
                name="one_open_escalation_per_order",
            )
        ]

    def __str__(self) -> str:
        return f"{self.order_id} escalated ({self.reason})"


class DispatchPlan(models.Model):
    """The last day plan of a service point: routes with ETAs, what was left unplanned, and how it was made.

    ``routes`` is ``{employee_no: {"stops": [...], "end_time", "travel_m", "overtime", "breaks"}}`` with
    times in minutes since local midnight of ``day``. ``signature`` hashes the planning input, so a
    reader can tell whether the plan still matches the orders and technicians it was made for.
    """

    service_point = models.ForeignKey(
        ServicePoint, on_delete=models.CASCADE, related_name="plans", verbose_name=_("服务网点")
    )
    day = models.DateField(verbose_name=_("日期"))
    engine = models.CharField(max_length=20, verbose_name=_("求解引擎"))
    solve_seconds = models.FloatField(default=0.0, verbose_name=_("求解耗时（秒）"))
    fallback_reason = models.CharField(max_length=300, blank=True, verbose_name=_("降级原因"))
    routes = models.JSONField(default=dict, verbose_name=_("路线"))
    unassigned = models.JSONField(default=list, verbose_name=_("未分配工单"))
    stats = models.JSONField(default=dict, verbose_name=_("统计"))
    signature = models.CharField(max_length=64, blank=True, verbose_name=_("输入签名"))
    trigger = models.CharField(
        max_length=20, choices=PlanTrigger.choices, default=PlanTrigger.MANUAL, verbose_name=_("触发原因")
    )
    version = models.PositiveIntegerField(default=1, verbose_name=_("版本"))
    planned_at = models.DateTimeField(verbose_name=_("规划时间"))

    class Meta:
        verbose_name = _("派单计划")
        verbose_name_plural = _("派单计划")
        ordering = ["service_point", "day"]
        constraints = [
            models.UniqueConstraint(fields=["service_point", "day"], name="one_plan_per_point_day")
        ]

    def __str__(self) -> str:
        return f"{self.service_point} {self.day} ({self.engine} v{self.version})"

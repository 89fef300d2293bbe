from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from django.db.backends.base.base import BaseDatabaseWrapper
    from django.db.models.sql.compiler import SQLCompiler


class TimestampedModel(models.Model):
    """Creation and update times for every domain row."""

    created_at = models.DateTimeField(auto_now_add=True, db_index=True, verbose_name=_("创建时间"))
    updated_at = models.DateTimeField(auto_now=True, verbose_name=_("更新时间"))

    class Meta:
        abstract = True


class RevealLog(models.Model):
    """One row per time a person saw a customer's unmasked data. Append-only."""

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("操作人")
    )
    subject_type = models.CharField(max_length=40, verbose_name=_("对象类型"))  # e.g. "customer", "workorder"
    subject_id = models.CharField(max_length=40, verbose_name=_("对象编号"))
    field = models.CharField(max_length=40, verbose_name=_("字段"))
    reason = models.CharField(max_length=200, blank=True, verbose_name=_("查看原因"))
    ip_address = models.GenericIPAddressField(null=True, blank=True, verbose_name=_("IP 地址"))
    created_at = models.DateTimeField(auto_now_add=True, db_index=True, verbose_name=_("查看时间"))

    class Meta:
        verbose_name = _("个人信息查看记录")
        verbose_name_plural = _("个人信息查看记录")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["subject_type", "subject_id"])]

    def __str__(self) -> str:
        return f"{self.actor} revealed {self.subject_type}:{self.subject_id}.{self.field}"


class CurrentTransactionId(models.Func):
    """The id of the transaction writing the row: on PostgreSQL ``pg_current_xact_id()`` (an xid8,
    stored as bigint: 64 bits, it never wraps); 0 elsewhere. SQLite has a single writer, so its ids
    are already in commit order. Used as the ``db_default`` of an outbox row's ``txid``."""

    output_field = models.BigIntegerField()

    # Django 5.2 compiles params as lists (its schema editor sums them onto a list); django-stubs 6
    # declare tuples, hence the ignore on the return type.
    def as_sql(  # type: ignore[override]
        self,
        compiler: SQLCompiler,
        connection: BaseDatabaseWrapper,
        function: str | None = None,
        template: str | None = None,
        arg_joiner: str | None = None,
        **extra_context: Any,
    ) -> tuple[str, list[Any]]:
        return "0", []

    def as_postgresql(
        self, compiler: SQLCompiler, connection: BaseDatabaseWrapper, **extra_context: Any
    ) -> tuple[str, list[Any]]:
        return "(pg_current_xact_id()::text::bigint)", []


class OutboxCursor(models.Model):
    """How far one reader (dispatch, sla, …) has read the outbox: the (txid, id) of the last row read.

    Core knows nothing of what the events are: a reader names itself and keeps one position, moved
    with a conditional update so that two workers never both take the same batch. Rows are read in
    (txid, id) order, not id order: see ``anxin.core.outbox.outbox_unread`` for why.
    """

    name = models.CharField(max_length=40, unique=True)
    last_txid = models.BigIntegerField(default=0, db_default=0)  # db_default: older migrations insert cursors
    last_event_id = models.BigIntegerField(default=0)

    class Meta:
        verbose_name = _("事件读取进度")
        verbose_name_plural = _("事件读取进度")

    def __str__(self) -> str:
        return f"{self.name}@{self.last_txid}:{self.last_event_id}"

    @property
    def position(self) -> tuple[int, int]:
        return self.last_txid, self.last_event_id


class ReplayGuard(models.Model):
    """One row per (user, page action, Idempotency-Key): a form post sent again is answered, not redone.

    The technician's phone queues actions while offline and replays them on reconnect; a replay whose first
    answer was lost on the way back must not record the step twice. Holds no request or response content:
    only a keyed digest of who/where/which key and the status the first attempt got (NULL while it runs).
    """

    digest = models.CharField(max_length=64, unique=True, verbose_name=_("摘要"))
    status = models.PositiveSmallIntegerField(null=True, blank=True, verbose_name=_("首次结果状态码"))
    created_at = models.DateTimeField(auto_now_add=True, db_index=True, verbose_name=_("时间"))

    class Meta:
        verbose_name = _("重放保护")
        verbose_name_plural = _("重放保护")

    def __str__(self) -> str:
        return f"{self.digest[:12]} → {self.status}"

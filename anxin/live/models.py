"""What the live view of a visit keeps: the technician's track, the arrival code, call bindings, alerts,
and the live video: consent answers, recordings, signaling messages in transit."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from anxin.core.fields import EncryptedTextField


class Position(models.Model):
    """Where the technician was on his way to one order (recorded only while the order is en route).

    Deleted after ``ANXIN_LIVE_POSITION_RETENTION_DAYS`` by a periodic job: a track leads to a home.
    """

    order = models.ForeignKey(
        "workorders.WorkOrder",
        on_delete=models.CASCADE,
        related_name="live_positions",
        verbose_name=_("工单"),
    )
    technician = models.ForeignKey(
        "network.Technician", on_delete=models.CASCADE, related_name="+", verbose_name=_("技师")
    )
    latitude = models.FloatField(verbose_name=_("纬度"))
    longitude = models.FloatField(verbose_name=_("经度"))
    eta_seconds = models.PositiveIntegerField(null=True, blank=True, verbose_name=_("预计到达（秒）"))
    recorded_at = models.DateTimeField(db_index=True, verbose_name=_("记录时间"))

    class Meta:
        verbose_name = _("技师位置")
        verbose_name_plural = _("技师位置")
        indexes = [models.Index(fields=["order", "-recorded_at"], name="live_position_order_idx")]

    def __str__(self) -> str:
        return f"{self.order_id} @ {self.recorded_at:%H:%M:%S}"


class ArrivalCode(models.Model):
    """The 4-digit visit code the customer reads on our page or SMS and tells the technician at the door.

    Encrypted (the customer's page and SMS must show it again); ``failed_attempts`` counts wrong entries.
    """

    order = models.OneToOneField(
        "workorders.WorkOrder", on_delete=models.CASCADE, related_name="arrival_code", verbose_name=_("工单")
    )
    code = EncryptedTextField(verbose_name=_("到场验证码"))
    failed_attempts = models.PositiveSmallIntegerField(default=0, verbose_name=_("错误次数"))
    confirmed_at = models.DateTimeField(null=True, blank=True, verbose_name=_("核验时间"))
    arriving_sms_at = models.DateTimeField(
        null=True, blank=True, help_text="the one 'arriving soon' SMS", verbose_name=_("即将到达短信时间")
    )
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("创建时间"))

    class Meta:
        verbose_name = _("到场验证码")
        verbose_name_plural = _("到场验证码")

    def __str__(self) -> str:
        return f"arrival code of order {self.order_id}"


class ArrivalAlert(models.Model):
    """Three wrong arrival codes on one order: someone may be at the wrong door, or not ours."""

    order = models.ForeignKey(
        "workorders.WorkOrder", on_delete=models.CASCADE, related_name="+", verbose_name=_("工单")
    )
    technician = models.ForeignKey(
        "network.Technician", null=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("技师")
    )
    attempts = models.PositiveSmallIntegerField(verbose_name=_("错误次数"))
    created_at = models.DateTimeField(db_index=True, verbose_name=_("时间"))
    resolved_at = models.DateTimeField(null=True, blank=True, verbose_name=_("处理时间"))

    class Meta:
        verbose_name = _("到场验证码告警")
        verbose_name_plural = _("到场验证码告警")

    def __str__(self) -> str:
        return f"arrival alert on order {self.order_id}"


class CallBinding(models.Model):
    """A virtual number (隐私号) binding the customer and the technician for one order's lifetime.

    Both sides dial ``virtual_number``; the provider connects them without either seeing the other's
    number. The real numbers are kept encrypted for the provider's calls only.
    """

    order = models.ForeignKey(
        "workorders.WorkOrder", on_delete=models.CASCADE, related_name="+", verbose_name=_("工单")
    )
    technician = models.ForeignKey(
        "network.Technician", on_delete=models.CASCADE, related_name="+", verbose_name=_("技师")
    )
    provider = models.CharField(max_length=40, verbose_name=_("服务商"))
    binding_id = models.CharField(max_length=64, verbose_name=_("绑定编号"))
    virtual_number = models.CharField(max_length=20, verbose_name=_("隐私号"))
    customer_phone = EncryptedTextField(verbose_name=_("客户电话"))
    technician_phone = EncryptedTextField(blank=True, verbose_name=_("技师电话"))
    created_at = models.DateTimeField(verbose_name=_("绑定时间"))
    released_at = models.DateTimeField(null=True, blank=True, verbose_name=_("解绑时间"))

    class Meta:
        verbose_name = _("隐私号绑定")
        verbose_name_plural = _("隐私号绑定")
        constraints = [
            models.UniqueConstraint(
                fields=["order"],
                condition=Q(released_at__isnull=True),
                name="live_one_open_binding_per_order",
            ),
            models.UniqueConstraint(
                fields=["provider", "virtual_number"],
                condition=Q(released_at__isnull=True),
                name="live_virtual_number_in_use_once",
            ),
        ]

    def __str__(self) -> str:
        return f"binding {self.binding_id} of order {self.order_id}"


class VideoConsent(models.Model):
    """The customer's answer to "may the visit's live video be recorded?" (录像同意), one row per answer.

    The latest row of an order is its current answer; earlier rows stay as the history of who said what
    when. Asked on the customer's order page, before or during the visit, so a recording can be made
    (and kept) while the customer is not watching.
    """

    class Via(models.TextChoices):
        LOGIN = "login", _("登录账号")
        TRACKING_LINK = "tracking_link", _("查询链接")

    order = models.ForeignKey(
        "workorders.WorkOrder", on_delete=models.CASCADE, related_name="+", verbose_name=_("工单")
    )
    granted = models.BooleanField(verbose_name=_("同意录像"))
    actor = models.ForeignKey(
        "accounts.User",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("操作人"),
    )
    via = models.CharField(max_length=20, choices=Via.choices, verbose_name=_("途径"))
    decided_at = models.DateTimeField(verbose_name=_("时间"))

    class Meta:
        verbose_name = _("录像同意")
        verbose_name_plural = _("录像同意")
        indexes = [models.Index(fields=["order", "-decided_at"], name="live_consent_order_idx")]

    def __str__(self) -> str:
        return f"consent {self.granted} on order {self.order_id}"


def recording_file_name(instance: VideoRecording, filename: str) -> str:
    import secrets

    return f"live/recordings/{secrets.token_hex(16)}.webm"  # never the phone's file name


class VideoRecording(models.Model):
    """The technician's browser records the live video and uploads it in chunks while streaming.

    Chunks are appended to ``partial_path`` (offset-checked: resumable after a dropped connection);
    ``recording_finish`` decodes the whole file (PyAV), hashes it and moves it to ``file``. Only made
    with the customer's consent (``consent``: the answer that allowed it).
    """

    class State(models.TextChoices):
        UPLOADING = "uploading", _("上传中")
        COMPLETE = "complete", _("已保存")
        REFUSED = "refused", _("无法解码，已丢弃")

    order = models.ForeignKey(
        "workorders.WorkOrder",
        on_delete=models.CASCADE,
        related_name="video_recordings",
        verbose_name=_("工单"),
    )
    technician = models.ForeignKey(
        "network.Technician", on_delete=models.PROTECT, related_name="+", verbose_name=_("技师")
    )
    consent = models.ForeignKey(
        VideoConsent, on_delete=models.PROTECT, related_name="+", verbose_name=_("录像同意")
    )
    state = models.CharField(
        max_length=12, choices=State.choices, default=State.UPLOADING, verbose_name=_("状态")
    )
    started_at = models.DateTimeField(verbose_name=_("开始时间"))
    ended_at = models.DateTimeField(null=True, blank=True, verbose_name=_("结束时间"))
    size = models.PositiveBigIntegerField(default=0, verbose_name=_("大小（字节）"))
    partial_name = models.CharField(max_length=80, blank=True, verbose_name=_("上传中文件"))
    file = models.FileField(upload_to=recording_file_name, blank=True, verbose_name=_("文件"))
    sha256 = models.CharField(max_length=64, blank=True, verbose_name=_("SHA-256"))
    duration_s = models.FloatField(null=True, blank=True, verbose_name=_("时长（秒）"))
    frames = models.PositiveIntegerField(null=True, blank=True, verbose_name=_("帧数"))
    updated_at = models.DateTimeField(auto_now=True, verbose_name=_("最后上传时间"))

    class Meta:
        verbose_name = _("上门录像")
        verbose_name_plural = _("上门录像")

    def __str__(self) -> str:
        return f"recording {self.pk} of order {self.order_id}"


class SignalMessage(models.Model):
    """A WebRTC signaling message (offer, answer, ICE candidate) on its way between two sockets.

    Without Redis every server process has its own in-memory channel layer, and the technician's and the
    customer's sockets may sit in different processes: each process's signaling relay reads these rows
    and delivers the ones for its own sockets (like the timeline relay). Kept a minute, encrypted (an SDP
    names the phone's network addresses).
    """

    group = models.CharField(max_length=120, verbose_name=_("频道组"))
    payload = EncryptedTextField(verbose_name=_("内容"))
    created_at = models.DateTimeField(db_index=True, verbose_name=_("时间"))

    class Meta:
        verbose_name = _("视频信令")
        verbose_name_plural = _("视频信令")

    def __str__(self) -> str:
        return f"signal {self.pk} to {self.group}"

"""Models of anxin.uploads (see apps.py)."""

from __future__ import annotations

import uuid
from pathlib import Path

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from anxin.core.fields import EncryptedTextField

UPLOADS_DIR = "uploads"  # under MEDIA_ROOT: the partial files, one per upload, deleted once handed over


class Upload(models.Model):
    """One resumable upload (tus 1.0.0): a file of a declared length that arrives in chunks.

    ``offset`` is how many bytes are safely on disk; it moves only in the transaction that wrote them,
    so a dropped chunk never counts. ``purpose`` names the app that asked for the file and ``target`` the
    object it belongs to, in that app's own words (an order number); the purpose's ``complete`` turns the
    finished file into a domain object once, and its answer is kept in ``result`` for a retried last chunk.
    The file name and the client's metadata are encrypted: a file name is personal data.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", verbose_name=_("上传人")
    )
    purpose = models.CharField(_("用途"), max_length=40)
    target = models.CharField(_("对象"), max_length=200)
    metadata = EncryptedTextField(_("元数据"), blank=True, default="")  # JSON of the client's other keys
    filename = EncryptedTextField(_("文件名"), blank=True, default="")
    length = models.BigIntegerField(_("总字节数"))
    offset = models.BigIntegerField(_("已接收字节数"), default=0)
    content_type = models.CharField(_("文件类型"), max_length=100)
    path = models.CharField(_("文件路径"), max_length=255)  # relative to MEDIA_ROOT
    created_at = models.DateTimeField(_("创建时间"))
    expires_at = models.DateTimeField(_("过期时间"), db_index=True)
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    sha256 = models.CharField(_("SHA-256"), max_length=64, blank=True, default="")
    result = models.JSONField(_("处理结果"), null=True, blank=True)

    class Meta:
        verbose_name = _("上传")
        verbose_name_plural = _("上传")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.purpose} {self.id}"

    @property
    def file_path(self) -> Path:
        return Path(settings.MEDIA_ROOT) / self.path

"""E-mail attachments named with a path are kept, under a random name (issue #8, item 11)."""

from __future__ import annotations

import mailbox
import time
from email.message import EmailMessage
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import Client

from anxin.intake.channels.social import sign
from anxin.workorders.models import Attachment, WorkOrder

MAIL_SECRET = "test-mail-secret"
PATH_NAMES = ["..\\..\\x.jpg", "/home/zhangsan/张三身份证.jpg", "../../etc/passwd", "a\x00b.png"]


def _mail(*, filename: str, message_id: str, phone: str = "13911112222") -> bytes:
    message = EmailMessage()
    message["From"] = f"李娜 <{phone}@example.cn>"
    message["Subject"] = "乐创消毒柜报修"
    message["Message-ID"] = message_id
    message.set_content(f"电话：{phone}\n消毒柜不加热")
    message.add_attachment(b"\xff\xd8img", maintype="image", subtype="jpeg", filename=filename)
    return message.as_bytes()


def _stored_files() -> list[Path]:
    return [p for p in Path(settings.MEDIA_ROOT).rglob("*") if p.is_file()]


@pytest.mark.parametrize("filename", PATH_NAMES)
def test_the_mail_webhook_keeps_a_message_whose_attachment_name_has_a_path(filename, brand, settings):
    settings.ANXIN_MAIL_WEBHOOK_SECRET = MAIL_SECRET
    body = _mail(filename=filename, message_id="<p1@example.cn>")
    ts = str(int(time.time()))
    response = Client().post(
        "/api/v1/intake/email",
        data=body,
        content_type="message/rfc822",
        HTTP_X_ANXIN_TIMESTAMP=ts,
        HTTP_X_ANXIN_SIGNATURE=sign(secret=MAIL_SECRET, timestamp=ts, body=body),
    )
    assert response.status_code == 201, response.content
    attachment = Attachment.objects.get()
    assert "/" not in attachment.filename and "\\" not in attachment.filename
    assert "\x00" not in attachment.filename and attachment.filename
    stored = _stored_files()
    assert len(stored) == 1 and stored[0].resolve().is_relative_to(Path(settings.MEDIA_ROOT).resolve())
    assert "张三" not in str(stored[0]) and "x.jpg" not in stored[0].name


def test_the_original_name_is_kept_without_its_folder(brand, settings):
    settings.ANXIN_MAIL_WEBHOOK_SECRET = MAIL_SECRET
    body = _mail(filename="/home/zhangsan/张三身份证.jpg", message_id="<p2@example.cn>")
    ts = str(int(time.time()))
    Client().post(
        "/api/v1/intake/email",
        data=body,
        content_type="message/rfc822",
        HTTP_X_ANXIN_TIMESTAMP=ts,
        HTTP_X_ANXIN_SIGNATURE=sign(secret=MAIL_SECRET, timestamp=ts, body=body),
    )
    assert Attachment.objects.get().filename == "张三身份证.jpg"


def test_the_mail_command_files_the_rest_of_the_mailbox_after_a_path_name(tmp_path, brand, capsys):
    box = mailbox.Maildir(tmp_path / "inbox", create=True)
    bad = box.add(_mail(filename="..\\..\\x.jpg", message_id="<b1@example.cn>"))
    good = box.add(_mail(filename="ok.jpg", message_id="<g1@example.cn>", phone="13722223333"))
    call_command("ingest_mail", str(tmp_path / "inbox"))
    assert WorkOrder.objects.count() == 2
    out = capsys.readouterr().out
    assert f"message {bad}:" in out and f"message {good}:" in out and "filed=2" in out


def test_the_mail_command_reports_a_failing_message_and_continues(tmp_path, brand, capsys, monkeypatch):
    from anxin.intake.management.commands import ingest_mail

    real = ingest_mail.repair_request_from_email

    def flaky(raw: bytes):
        if b"<boom@example.cn>" in raw:
            raise RuntimeError("unexpected")
        return real(raw)

    monkeypatch.setattr(ingest_mail, "repair_request_from_email", flaky)
    box = mailbox.Maildir(tmp_path / "inbox", create=True)
    bad = box.add(_mail(filename="a.jpg", message_id="<boom@example.cn>"))
    box.add(_mail(filename="b.jpg", message_id="<fine@example.cn>", phone="13722223333"))
    call_command("ingest_mail", str(tmp_path / "inbox"))
    captured = capsys.readouterr()
    assert WorkOrder.objects.count() == 1
    assert f"message {bad}: failed (RuntimeError)" in captured.err
    assert "filed=1 refused=0 failed=1" in captured.out
    assert list(mailbox.Maildir(tmp_path / "inbox").keys()) == [bad]  # kept for a person

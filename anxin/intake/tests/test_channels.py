"""Each channel ends in the same kind of work order, with the channel recorded."""

from __future__ import annotations

import json
import mailbox
import time
from email.message import EmailMessage

import pytest
from django.core.management import call_command
from django.test import Client

from anxin.customers.services import phone_blind_index
from anxin.intake.tests.factories import signed_post
from anxin.workorders.models import Attachment, WorkOrder

SOCIAL_SECRET = "test-social-secret"
MAIL_SECRET = "test-mail-secret"


@pytest.fixture(autouse=True)
def _secrets(settings):
    settings.ANXIN_SOCIAL_WEBHOOK_SECRET = SOCIAL_SECRET
    settings.ANXIN_MAIL_WEBHOOK_SECRET = MAIL_SECRET


def _mail(
    *,
    sender="李娜 <lina@example.cn>",
    subject="乐创消毒柜报修",
    body=None,
    attachment: bytes | None = None,
    message_id="<m1@example.cn>",
) -> bytes:
    message = EmailMessage()
    message["From"] = sender
    message["To"] = "service@anxin.example"
    message["Subject"] = subject
    message["Message-ID"] = message_id
    message.set_content(
        body or "电话：13911112222\n地址：上海市徐汇区漕溪北路595号\n型号：ZTP-108A\n消毒柜不加热，灯一直闪。"
    )
    if attachment is not None:
        message.add_attachment(attachment, maintype="image", subtype="jpeg", filename="fault.jpg")
    return message.as_bytes()


# --- customer web/mobile form -------------------------------------------------------------


def test_the_public_form_files_an_order_and_shows_its_number(brand, category):
    response = Client().post(
        "/repair/",
        {
            "phone": "13800138000",
            "name": "张伟",
            "brand": brand.pk,
            "category": category.pk,
            "address": "北京市朝阳区建国路88号",
            "description": "不加热",
        },
        follow=True,
    )
    order = WorkOrder.objects.get()
    assert order.channel == "web" and order.county_code == "110105"
    page = response.content.decode()
    assert order.number in page and "工单已创建" in page


def test_the_public_form_names_the_missing_phone(db):
    response = Client().post("/repair/", {"name": "张伟"})
    assert response.status_code == 422
    assert "phone" in response.context["form"].errors
    assert WorkOrder.objects.count() == 0


def test_the_public_form_is_rate_limited(settings, brand):
    settings.ANXIN_PUBLIC_FORM_RATE = "2/m"
    client = Client(REMOTE_ADDR="10.1.2.3")
    codes = [client.post("/repair/", {"phone": f"1380013800{i}"}).status_code for i in range(3)]
    assert codes == [302, 302, 429]
    assert WorkOrder.objects.count() == 2


def test_the_tracking_page_needs_the_secret_token(brand):
    Client().post("/repair/", {"phone": "13800138000"})
    order = WorkOrder.objects.get()
    assert Client().get(f"/track/{order.number}/").status_code == 404
    assert Client().get(f"/track/{order.number}/?t=wrong").status_code == 404
    assert Client().get(f"/track/{order.number}/?t={order.tracking_token}").status_code == 200


# --- hotline console ----------------------------------------------------------------------


def test_the_agent_sees_the_callers_history_and_files_in_one_screen(agent, brand, category):
    client = Client()
    client.force_login(agent)
    client.post(
        "/console/",
        {
            "phone": "13800138000",
            "name": "张伟",
            "brand": brand.pk,
            "category": category.pk,
            "serial_number": "SN-9",
            "address": "北京市朝阳区建国路88号",
        },
    )
    first = WorkOrder.objects.get()
    assert first.channel == "hotline" and first.created_by == agent
    history = client.get("/console/caller/?phone=138 0013 8000").content.decode()
    assert first.number in history and "SN-9" in history
    assert "13800138000" not in history  # masked, even for the agent
    assert "新客户" in client.get("/console/caller/?phone=13999999999").content.decode()


# --- e-mail ---------------------------------------------------------------------------------


def test_the_mail_command_files_each_message_of_a_maildir_with_attachments(tmp_path, brand, category):
    box = mailbox.Maildir(tmp_path / "inbox", create=True)
    box.add(_mail(attachment=b"\xff\xd8fake-jpeg"))
    box.add(
        _mail(
            sender="王芳 <wf@example.cn>",
            body="电话 13722223333 保险柜打不开",
            message_id="<m2@example.cn>",
            subject="保险柜",
        )
    )
    call_command("ingest_mail", str(tmp_path / "inbox"))
    assert list(WorkOrder.objects.values_list("channel", flat=True)) == ["email", "email"]
    first = WorkOrder.objects.get(customer__phone_index=phone_blind_index("13911112222"))
    assert first.contact_phone == "13911112222" and first.brand == brand and first.county_code == "310104"
    attachment = Attachment.objects.get(order=first)
    assert attachment.filename == "fault.jpg" and attachment.size == len(b"\xff\xd8fake-jpeg")
    assert len(mailbox.Maildir(tmp_path / "inbox")) == 0


def test_the_mail_command_reads_mbox_and_leaves_unfileable_mail_in_place(tmp_path, brand):
    path = tmp_path / "inbox.mbox"
    box = mailbox.mbox(path)
    box.add(_mail())
    box.add(_mail(sender="", body="没有任何联系方式", message_id="<m3@example.cn>"))
    box.flush()
    box.close()
    call_command("ingest_mail", str(path))
    assert WorkOrder.objects.count() == 1
    assert len(mailbox.mbox(path)) == 1  # the one we could not file is kept for a person


def test_a_redelivered_mail_is_not_filed_twice(tmp_path, brand):
    box = mailbox.Maildir(tmp_path / "inbox", create=True)
    box.add(_mail())
    call_command("ingest_mail", str(tmp_path / "inbox"))
    box.add(_mail())
    call_command("ingest_mail", str(tmp_path / "inbox"))
    assert WorkOrder.objects.count() == 1


def test_the_mail_webhook_accepts_a_signed_message(brand):
    response = signed_post(
        Client(), "/api/v1/intake/email", _mail(attachment=b"img"), MAIL_SECRET, content_type="message/rfc822"
    )
    assert response.status_code == 201, response.content
    order = WorkOrder.objects.get(number=response.json()["number"])
    assert order.channel == "email" and order.attachments.count() == 1


def test_the_mail_webhook_refuses_a_bad_signature(brand):
    response = signed_post(
        Client(), "/api/v1/intake/email", _mail(), "wrong-secret", content_type="message/rfc822"
    )
    assert response.status_code == 403 and response.json()["error"] == "bad_signature"
    assert WorkOrder.objects.count() == 0


# --- social / IM webhook --------------------------------------------------------------------

SOCIAL = {
    "platform": "wechat",
    "message_id": "wx-1",
    "sender": {"id": "o_abc", "name": "陈静", "phone": "13544445555"},
    "text": "昌尔特热水器漏水 地址：广东省东莞市虎门镇太沙路8号",
}


def test_a_signed_social_message_becomes_an_order(brand, other_brand):
    body = json.dumps(SOCIAL).encode()
    response = signed_post(
        Client(), "/api/v1/intake/social", body, SOCIAL_SECRET, content_type="application/json"
    )
    assert response.status_code == 201, response.content
    order = WorkOrder.objects.get()
    assert order.channel == "social" and order.brand == other_brand and order.county_code == "441900"
    again = signed_post(
        Client(), "/api/v1/intake/social", body, SOCIAL_SECRET, content_type="application/json"
    )
    assert again.status_code == 200 and again.json()["replayed"] is True and WorkOrder.objects.count() == 1


@pytest.mark.parametrize(
    ("secret", "age", "field"),
    [("wrong", 0, "X-Anxin-Signature"), (SOCIAL_SECRET, 3600, "X-Anxin-Timestamp")],
    ids=["bad-signature", "stale-timestamp"],
)
def test_a_social_message_with_a_bad_or_stale_signature_is_refused(db, secret, age, field):
    body = json.dumps(SOCIAL).encode()
    response = signed_post(
        Client(),
        "/api/v1/intake/social",
        body,
        secret,
        content_type="application/json",
        timestamp=int(time.time()) - age,
    )
    assert response.status_code == 403
    assert response.json()["error"] == "bad_signature" and response.json()["field"] == field
    assert WorkOrder.objects.count() == 0


def test_an_unsigned_social_message_is_refused(db):
    response = Client().post(
        "/api/v1/intake/social", data=json.dumps(SOCIAL), content_type="application/json"
    )
    assert response.status_code == 403


@pytest.mark.parametrize(
    ("body", "status", "code", "field"),
    [
        (b"{broken", 400, "invalid_json", None),
        (json.dumps({**SOCIAL, "extra": 1}).encode(), 422, "unknown_field", "extra"),
        (
            json.dumps({k: v for k, v in SOCIAL.items() if k != "message_id"}).encode(),
            422,
            "missing_field",
            "message_id",
        ),
        (
            json.dumps({**SOCIAL, "sender": {"id": "x"}, "text": "没有电话"}).encode(),
            422,
            "no_contact",
            "phone",
        ),
    ],
)
def test_a_signed_but_malformed_social_message_gets_a_4xx_naming_the_field(db, body, status, code, field):
    response = signed_post(
        Client(), "/api/v1/intake/social", body, SOCIAL_SECRET, content_type="application/json"
    )
    assert response.status_code == status, response.content
    assert response.json() == {"error": code, "detail": response.json()["detail"], "field": field}

"""/verify/: a scanned badge, web addresses, and the fake-channel report form."""

from __future__ import annotations

import io

import pytest
from django.db import connection

from anxin.trust.models import FakeChannelReport, OfficialChannel, SuspectChannel
from anxin.trust.services import badge_token_issue, official_channel_save
from anxin.trust.tests.factories import order_on_the_way, png_bytes

pytestmark = pytest.mark.django_db
VERIFY = "/verify/"


@pytest.fixture
def badge(technician):
    from anxin.trust.services import badge_photo_set

    order = order_on_the_way(technician=technician)
    badge_photo_set(actor=technician.user, technician=technician, data=png_bytes())
    return badge_token_issue(actor=technician.user, technician=technician, order=order)


@pytest.fixture
def official_site(brand):
    return official_channel_save(
        channel=OfficialChannel(brand=brand, kind="web", value="https://www.lechuang.com/", label="乐创官网")
    )


def test_a_valid_badge_shows_the_order_and_the_photo(client, badge):
    response = client.get(VERIFY, {"t": badge.token})

    html = response.content.decode()
    assert response.status_code == 200
    assert 'data-status="valid"' in html
    assert badge.order_number in html and "T1001" in html
    photo_src = html.split('id="badge-photo" src="', 1)[1].split('"', 1)[0].replace("&amp;", "&")
    assert client.get(photo_src).status_code == 200


def test_a_badge_for_another_order_than_the_customers_says_so_plainly(client, badge):
    client.get(VERIFY, {"order": "WO20990101001"})  # from the customer's own order page

    html = client.get(VERIFY, {"t": badge.token}).content.decode()  # then the camera opens the QR

    assert 'data-status="other_order"' in html
    assert "WO20990101001" in html and badge.order_number in html


def test_an_expired_or_forged_badge_says_so_without_the_technician(client, badge, settings):
    forged = client.get(VERIFY, {"t": badge.token[:-3] + "abc"}).content.decode()
    assert 'data-status="forged"' in forged and "T1001" not in forged and 'id="badge-photo"' not in forged

    settings.ANXIN_BADGE_TOKEN_TTL_S = -1  # every token is past its lifetime
    expired = client.get(VERIFY, {"t": badge.token}).content.decode()
    assert 'data-status="expired"' in expired and "T1001" not in expired


def test_the_official_web_address_is_recognised_in_any_usual_form(client, official_site):
    html = client.get(VERIFY, {"q": "http://m.LECHUANG.com/service/?from=sms"}).content.decode()

    assert 'data-genuine="yes"' in html and 'data-kind="web"' in html and "乐创" in html


def test_a_lookalike_address_is_named_as_an_imitation_and_offered_for_report(client, official_site):
    html = client.get(VERIFY, {"q": "lechuang-service.cn"}).content.decode()

    assert 'data-kind="lookalike"' in html and 'id="report-offer"' in html
    assert 'value="lechuang-service.cn"' in html  # the report form comes pre-filled


def test_an_unknown_number_is_not_ours_and_may_be_reported(client):
    html = client.get(VERIFY, {"q": "400-600-1234"}).content.decode()

    assert 'data-genuine="no"' in html and 'id="report-offer"' in html


def test_an_official_number_added_by_staff_is_recognised(client, brand):
    official_channel_save(channel=OfficialChannel(brand=brand, kind="phone", value="010-8888 6666"))

    html = client.get(VERIFY, {"q": "01088886666"}).content.decode()

    assert 'data-genuine="yes"' in html and 'data-kind="hotline"' in html


def _report(client, **fields):
    data = {"kind": "phone", "value": "400-600-1234", "where_seen": "search", "brand": "", **fields}
    return client.post(VERIFY, data)


def test_a_report_is_stored_and_thanked_for(client, brand):
    shot = io.BytesIO(png_bytes((300, 500)))
    shot.name = "张三的截图.png"

    response = _report(
        client, brand=brand.code, note="百度搜到的，说上门费要先转账", contact="13912345678", screenshot=shot
    )

    assert response.status_code == 302 and "reported=1" in response["Location"]
    report = FakeChannelReport.objects.get()
    assert report.suspect.brand == brand and report.suspect.value == "4006001234"
    assert report.screenshot and "张三" not in (report.screenshot.name or "")
    assert 'id="report-done"' in client.get(response["Location"]).content.decode()


def test_the_reporters_words_contact_and_the_number_are_encrypted_at_rest(client):
    _report(client, note="他说先付定金", contact="13912345678")

    with connection.cursor() as cursor:
        cursor.execute("select note, contact from trust_fakechannelreport")
        note, contact = cursor.fetchone()
        cursor.execute("select value, value_index from trust_suspectchannel")
        value, index = cursor.fetchone()
    for stored in (note, contact, value):
        assert stored.startswith("v1:")  # anxin.core.crypto's ciphertext format
    assert "定金" not in note and "13912345678" not in contact and "4006001234" not in value + index
    assert FakeChannelReport.objects.get().contact == "13912345678"


def test_reports_beyond_the_budget_get_a_clear_429(client, settings):
    settings.ANXIN_FAKE_REPORT_RATE = "2/h"

    statuses = [_report(client, value=f"400-600-123{i}").status_code for i in range(3)]

    assert statuses == [302, 302, 429]
    response = _report(client, value="400-600-1239")
    assert response.status_code == 429 and int(response["Retry-After"]) > 0
    assert "请求过于频繁" in response.content.decode()
    assert SuspectChannel.objects.count() == 2


def test_a_screenshot_that_is_not_a_picture_is_refused_naming_the_field(client):
    shot = io.BytesIO(b"%PDF-1.4 not a picture")
    shot.name = "shot.png"

    response = _report(client, screenshot=shot)

    assert response.status_code == 422
    assert 'id="report"' in response.content.decode() and "不支持的图片格式" in response.content.decode()
    assert not FakeChannelReport.objects.exists()


def test_reporting_an_official_number_is_refused(client, brand):
    response = _report(client, value=brand.hotline)

    assert response.status_code == 422 and "官方号码" in response.content.decode()


def test_a_report_without_the_number_names_the_field(client):
    response = _report(client, value="")

    assert response.status_code == 422 and 'id="id_value"' in response.content.decode()
    assert "errors" in response.content.decode()

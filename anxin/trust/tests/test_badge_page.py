"""The technician's badge page: his own only, with a QR code that rotates, and his photo."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse
from PIL import Image

from anxin.accounts.choices import Role
from anxin.accounts.models import User
from anxin.network.models import Technician
from anxin.trust.choices import BadgeStatus
from anxin.trust.services import badge_photo_set, badge_token_check
from anxin.trust.tests.factories import jpeg_with_gps, order_on_the_way, png_bytes

pytestmark = pytest.mark.django_db


def _qr_path(html: str) -> str:
    start = html.index('data-verify-path="') + len('data-verify-path="')
    return html[start : html.index('"', start)]


def test_the_technician_sees_his_badge_with_a_qr_code_for_his_current_order(client, technician):
    order = order_on_the_way(technician=technician)
    client.force_login(technician.user)

    response = client.get(reverse("trust:badge"))

    html = response.content.decode()
    assert response.status_code == 200
    assert "<svg" in html and 'id="badge-qr"' in html
    assert order.number in html and "T1001" in html
    assert "no-store" in response["Cache-Control"]
    token = _qr_path(html).split("?t=", 1)[1]
    assert badge_token_check(token=token).status == BadgeStatus.VALID


def test_the_badge_prefers_the_order_he_is_in_over_the_one_he_is_heading_to(client, technician):
    order_on_the_way(technician=technician, phone="13800000011")
    at_the_door = order_on_the_way(technician=technician, phone="13800000012", status="on_site")
    client.force_login(technician.user)

    html = client.get(reverse("trust:badge")).content.decode()

    assert f'id="badge-order">{at_the_door.number}' in html


def test_htmx_gets_a_fresh_card_with_a_new_token(client, technician):
    order_on_the_way(technician=technician)
    client.force_login(technician.user)

    first = client.get(reverse("trust:badge"), HTTP_HX_REQUEST="true").content.decode()
    second = client.get(reverse("trust:badge"), HTTP_HX_REQUEST="true").content.decode()

    assert first.lstrip().startswith('<div id="badge-card"') and "<h1>" not in first
    assert 'hx-trigger="every 60s"' in first
    assert _qr_path(first) != _qr_path(second)


def test_without_an_order_the_badge_shows_no_qr_code(client, technician):
    client.force_login(technician.user)

    html = client.get(reverse("trust:badge")).content.decode()

    assert 'id="badge-no-order"' in html and 'id="badge-qr"' not in html


@pytest.mark.parametrize("role", [Role.DISPATCHER, Role.AGENT, Role.ADMIN, Role.BRAND_STAFF, Role.CUSTOMER])
def test_nobody_but_a_technician_has_a_badge_page(client, role):
    client.force_login(User.objects.create_user(username=f"u-{role}", role=role))

    assert client.get(reverse("trust:badge")).status_code == 403


def test_a_visitor_is_sent_to_sign_in(client):
    response = client.get(reverse("trust:badge"))

    assert response.status_code == 302 and "login" in response["Location"]


def test_the_technician_uploads_his_photo_reencoded_without_exif(client, technician):
    client.force_login(technician.user)
    upload = io.BytesIO(jpeg_with_gps())
    upload.name = "王建国-身份证.jpg"

    response = client.post(reverse("trust:badge_photo_upload"), {"photo": upload})

    assert response.status_code == 302
    technician.refresh_from_db()
    assert technician.photo.name.startswith("technicians/") and "王" not in technician.photo.name
    with technician.photo.open("rb") as stored:
        image = Image.open(io.BytesIO(stored.read()))
        assert not image.getexif()
    photo = client.get(reverse("trust:badge_photo_own"))
    assert photo.status_code == 200 and photo["Content-Type"] == "image/jpeg"


def test_a_file_that_is_not_a_picture_is_refused_naming_the_photo(client, technician):
    client.force_login(technician.user)
    upload = io.BytesIO(b"<svg xmlns='http://www.w3.org/2000/svg'><script>alert(1)</script></svg>")
    upload.name = "me.svg"

    response = client.post(reverse("trust:badge_photo_upload"), {"photo": upload})

    assert response.status_code == 422
    technician.refresh_from_db()
    assert not technician.photo


def test_the_photo_is_served_to_whoever_holds_a_live_token_only(client, technician):
    order_on_the_way(technician=technician)
    badge_photo_set(actor=technician.user, technician=technician, data=png_bytes())
    client.force_login(technician.user)
    html = client.get(reverse("trust:badge")).content.decode()
    token = _qr_path(html).split("?t=", 1)[1]
    client.logout()

    assert client.get(reverse("trust:badge_photo"), {"t": token}).status_code == 200
    assert client.get(reverse("trust:badge_photo"), {"t": token[:-2] + "xx"}).status_code == 404
    assert client.get(reverse("trust:badge_photo")).status_code == 404
    Technician.objects.filter(pk=technician.pk).update(is_active=False)
    assert client.get(reverse("trust:badge_photo"), {"t": token}).status_code == 404


def test_a_technician_cannot_set_another_ones_photo(technician, other_technician):
    from anxin.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        badge_photo_set(actor=other_technician.user, technician=technician, data=png_bytes())

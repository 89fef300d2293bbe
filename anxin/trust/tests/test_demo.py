"""The demo's badge photos, official web addresses and reported number; loading twice adds nothing."""

from __future__ import annotations

import pytest

from anxin.trust.demo import trust_demo_load
from anxin.trust.models import FakeChannelReport, OfficialChannel

pytestmark = pytest.mark.django_db


def test_demo_technicians_get_a_photo_and_brands_an_official_site(client, technician, brand):
    trust_demo_load()
    trust_demo_load()

    technician.refresh_from_db()
    assert technician.photo
    assert OfficialChannel.objects.filter(brand=brand, kind="web").count() == 1
    assert OfficialChannel.objects.filter(brand=None, kind="web").count() == 1
    assert FakeChannelReport.objects.count() == 1
    html = client.get("/verify/", {"q": "lechuang.example/service/repair"}).content.decode()
    assert 'data-genuine="yes"' in html

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from anxin.live.models import ArrivalCode, Position
from anxin.live.services import positions_purge
from anxin.live.tests.helpers import arrive_with_code
from anxin.network.services import technician_location_update
from anxin.notifications.models import Notification


def test_positions_are_kept_only_while_en_route_and_at_most_every_interval(
    en_route_order, technician, settings
):
    settings.ANXIN_LIVE_POSITION_MIN_INTERVAL_S = 15
    start = timezone.now()
    technician_location_update(technician=technician, latitude=39.80, longitude=116.30, at=start)
    technician_location_update(
        technician=technician, latitude=39.81, longitude=116.31, at=start + dt.timedelta(seconds=5)
    )
    technician_location_update(
        technician=technician, latitude=39.82, longitude=116.32, at=start + dt.timedelta(seconds=20)
    )
    track = list(Position.objects.filter(order=en_route_order).values_list("latitude", flat=True))
    assert track == [39.80, 39.82]
    assert all(p.eta_seconds and p.eta_seconds > 0 for p in Position.objects.all())
    arrive_with_code(order=en_route_order, actor=technician.user)
    technician_location_update(
        technician=technician, latitude=39.9, longitude=116.4, at=start + dt.timedelta(minutes=5)
    )
    assert Position.objects.filter(order=en_route_order).count() == 2  # on site: no longer tracked


def test_positions_older_than_the_retention_are_deleted(en_route_order, technician, settings):
    settings.ANXIN_LIVE_POSITION_RETENTION_DAYS = 7
    now = timezone.now()
    for age in (dt.timedelta(days=8), dt.timedelta(days=6)):
        Position.objects.create(
            order=en_route_order, technician=technician, latitude=39.8, longitude=116.3, recorded_at=now - age
        )
    assert positions_purge(now=now) == 1
    assert [p.recorded_at for p in Position.objects.all()] == [now - dt.timedelta(days=6)]


def test_the_arriving_soon_sms_is_sent_once_when_the_eta_drops_below_the_threshold(
    en_route_order, technician, settings, django_capture_on_commit_callbacks
):
    settings.ANXIN_LIVE_ARRIVING_SMS_MINUTES = 10
    settings.ANXIN_LIVE_POSITION_MIN_INTERVAL_S = 0
    start = timezone.now()
    with django_capture_on_commit_callbacks(execute=True):
        technician_location_update(technician=technician, latitude=40.5, longitude=117.0, at=start)  # far
    assert not Notification.objects.filter(kind="arriving").exists()
    for n, lat in enumerate((39.93, 39.932)):  # the order's area centre is near (39.92, 116.44)
        with django_capture_on_commit_callbacks(execute=True):
            technician_location_update(
                technician=technician, latitude=lat, longitude=116.45, at=start + dt.timedelta(minutes=n + 1)
            )
    assert Notification.objects.filter(kind="arriving").count() == 1
    assert ArrivalCode.objects.get(order=en_route_order).arriving_sms_at is not None

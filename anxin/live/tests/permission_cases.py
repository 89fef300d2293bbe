"""The live video's actions in the permission walk (anxin/backoffice/tests/test_permission_table.py).

Each case calls the page or endpoint on the walk's order, on site, signed in (no tracking token): roles
without the grant hear 403 before any lookup, roles with it but not for this order 404 (scoped lookup).
"""

from __future__ import annotations

from django.utils import timezone

from anxin.accounts.models import User
from anxin.backoffice.tests.permission_walk import Case, World, signed_in
from anxin.live.models import VideoConsent
from anxin.workorders.choices import Status
from anxin.workorders.models import WorkOrder


def _on_site(w: World) -> WorkOrder:
    WorkOrder.objects.filter(pk=w.order.pk).update(status=Status.ON_SITE, technician=w.technician)
    return WorkOrder.objects.get(pk=w.order.pk)


def _watch(w: World, user: User) -> int:
    order = _on_site(w)
    return signed_in(user).get(f"/live/orders/{order.number}/video/").status_code


def _publish(w: World, user: User) -> int:
    order = _on_site(w)
    VideoConsent.objects.create(order=order, granted=True, via="login", decided_at=timezone.now())
    return signed_in(user).post(f"/live/orders/{order.number}/recordings/").status_code


def _consent(w: World, user: User) -> int:
    order = _on_site(w)
    return signed_in(user).post(f"/live/orders/{order.number}/video/consent/", {"granted": "1"}).status_code


CASES: dict[str, Case] = {
    "live.video_watch": Case(_watch, hidden=True),
    "live.video_publish": Case(_publish, hidden=True),
    "live.video_consent": Case(_consent, hidden=True),
}

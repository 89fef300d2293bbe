"""Uploads in the permission walk.

This app declares no action of its own: who may send a file is the purpose's rule, asked before any byte
is taken. So ``CASES`` (the walk's table, keyed by declared actions) is empty, and ``PURPOSE_CASES`` takes
each registered purpose through the tus endpoints under the action it answers to; test_permission_walk.py
walks them against the same table (anxin/backoffice/tests/test_permission_table.py).
"""

from __future__ import annotations

from anxin.accounts.models import User
from anxin.backoffice.tests.permission_walk import Case, World, api_client
from anxin.uploads.tests.helpers import create, head, send_all
from anxin.visits.services import standards_load
from anxin.visits.tests.factories import jpeg_bytes
from anxin.workorders.choices import Status
from anxin.workorders.models import WorkOrder

CASES: dict[str, Case] = {}


def _visit_photo(w: World, user: User) -> int:
    """Create a ``visit_photo`` upload on the walk's order (on site) and send it whole."""
    standards_load()
    WorkOrder.objects.filter(pk=w.order.pk).update(status=Status.ON_SITE, technician=w.technician)
    order = WorkOrder.objects.get(pk=w.order.pk)
    client = api_client(user)
    data = jpeg_bytes()
    created = create(
        client, length=len(data), purpose="visit_photo", target=order.number, filetype="image/jpeg", role="before"
    )  # fmt: skip
    if created.status_code != 201:
        return created.status_code
    send_all(client, created["Location"], data, chunk=len(data) // 2 + 1)
    return head(client, created["Location"]).status_code


PURPOSE_CASES: dict[str, Case] = {
    "visits.inspect": Case(_visit_photo, hidden=True),
}

"""The visit's actions in the permission walk (anxin/backoffice/tests/test_permission_table.py).

Each case calls the API on the walk's order, on site; people whose role holds the grant but not for this
order hear 404 (the lookup is scoped), roles without the grant 403 before any lookup.
"""

from __future__ import annotations

import json

from anxin.accounts.models import User
from anxin.backoffice.tests.permission_walk import Case, World, api_client
from anxin.visits.choices import VisitKind
from anxin.visits.selectors import templates_for_order
from anxin.visits.services import standards_load
from anxin.visits.tests.factories import inspection_fill
from anxin.workorders.choices import Status
from anxin.workorders.models import WorkOrder


def _on_site(w: World) -> WorkOrder:
    standards_load()
    WorkOrder.objects.filter(pk=w.order.pk).update(status=Status.ON_SITE, technician=w.technician)
    return WorkOrder.objects.select_related("technician", "customer", "category", "brand").get(pk=w.order.pk)


def _view(w: World, user: User) -> int:
    order = _on_site(w)
    return api_client(user).get(f"/api/v1/visits/orders/{order.number}/inspections").status_code


def _inspect(w: World, user: User) -> int:
    order = _on_site(w)
    template = next(t for t in templates_for_order(order=order) if t.kind == VisitKind.INSPECTION)
    body = json.dumps({"template_id": template.pk})
    url = f"/api/v1/visits/orders/{order.number}/inspections"
    return api_client(user).post(url, body, content_type="application/json").status_code


def _diagnose(w: World, user: User) -> int:
    order = _on_site(w)
    inspection_fill(order=order, actor=w.technician.user)  # the technician's finished checklist
    body = json.dumps({"fault_codes": ["E5"], "cause": "紫外线灯管老化"})
    url = f"/api/v1/visits/orders/{order.number}/diagnosis"
    return api_client(user).put(url, body, content_type="application/json").status_code


def _complete(w: World, user: User) -> int:
    from anxin.testing.visits import photo_jpeg, signature_data_url, visit_diagnose, visit_price
    from anxin.visits.services import photo_add

    order = _on_site(w)
    tech = w.technician.user
    order = visit_price(order=visit_diagnose(order=order, actor=tech), actor=tech)  # in repair, in warranty
    photo_add(actor=tech, order=order, role="after", data=photo_jpeg(), filename="after.jpg")
    body = json.dumps({"signature": signature_data_url()})
    url = f"/api/v1/visits/orders/{order.number}/complete"
    return api_client(user).post(url, body, content_type="application/json").status_code


CASES: dict[str, Case] = {
    "visits.view": Case(_view, hidden=True),
    "visits.inspect": Case(_inspect, hidden=True),
    "visits.diagnose": Case(_diagnose, hidden=True),
    "visits.complete": Case(_complete, hidden=True),
}

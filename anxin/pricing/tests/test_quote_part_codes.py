"""A serialised part on the quote: its brand-issued code is verified by parts, and a refusal is flagged."""

from __future__ import annotations

import pytest

from anxin.catalog.models import FaultCode
from anxin.core.exceptions import Conflict, PermissionDenied, ValidationFailed
from anxin.parts.choices import CodeState
from anxin.parts.models import PartCode, PartCodeAlert
from anxin.pricing import services
from anxin.pricing.choices import LineKind
from anxin.pricing.tests.factories import order_at_quote, part_make, price_list_make

pytestmark = pytest.mark.django_db


@pytest.fixture
def quote(brand, category, technician):
    price_list_make(brand=brand, category=category)
    order = order_at_quote(brand=brand, category=category, technician=technician)
    fault = FaultCode.objects.get(brand=brand, code="E1")
    return services.quote_start(order=order, fault_code=fault, actor=technician.user)


def _add(quote, actor, part, code):
    return services.quote_line_add(quote=quote, actor=actor, kind=LineKind.PART, part=part, part_code=code)


def test_an_issued_code_is_accepted(quote, brand, technician):
    line = _add(quote, technician.user, part_make(brand=brand), "c-7")
    assert line.part_code == "c-7" and PartCodeAlert.objects.count() == 0


def test_an_unknown_code_is_refused_and_flagged_to_the_brand(quote, brand, technician):
    part = part_make(brand=brand)
    with pytest.raises(ValidationFailed) as refused:
        _add(quote, technician.user, part, "FAKE-0001")
    assert (refused.value.code, refused.value.field) == ("part_code_unknown", "code")
    alert = PartCodeAlert.objects.get()
    assert (alert.order_id, alert.part_id, alert.reason) == (quote.order_id, part.pk, "part_code_unknown")
    assert not quote.lines.filter(kind=LineKind.PART).exists()


def test_an_installed_code_is_refused_as_used(quote, brand, technician):
    part = part_make(brand=brand)
    PartCode.objects.filter(code="C-9").update(state=CodeState.INSTALLED)
    with pytest.raises(Conflict) as refused:
        _add(quote, technician.user, part, "C-9")
    assert refused.value.code == "part_code_used"
    assert PartCodeAlert.objects.filter(reason="part_code_used").count() == 1


def test_another_technician_is_refused_before_any_lookup_and_leaves_no_alert(quote, brand, other_technician):
    with pytest.raises(PermissionDenied):
        _add(quote, other_technician.user, part_make(brand=brand), "FAKE-0002")
    assert PartCodeAlert.objects.count() == 0

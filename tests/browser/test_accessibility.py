"""Issue #10 acceptance: axe-core (vendored, tests/browser/vendor/) finds no serious or critical violation on
the customer's and the technician's pages at phone width (375 px)."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.urls import reverse

from anxin.dispatch.choices import OfferState
from anxin.dispatch.models import DispatchOffer
from anxin.dispatch.services import offers
from anxin.dispatch.tests.factories import always_on, cover, order_new, skilled
from anxin.evidence.tests.factories import make_buyer, make_claim
from anxin.testing.visits import visit_reach_on_site

pytestmark = pytest.mark.django_db(transaction=True)

AXE = Path(__file__).parent / "vendor" / "axe-core" / "axe.min.js"
BLOCKING = ("serious", "critical")


def axe_findings(page) -> list[str]:  # type: ignore[no-untyped-def]
    """The page's serious and critical violations, one line each: rule, impact, the first few elements."""
    page.wait_for_load_state("networkidle")
    page.add_script_tag(path=str(AXE))
    violations = page.evaluate("axe.run(document).then(r => r.violations)")
    return [
        f"{page.url}: {v['id']} ({v['impact']}) {v['help']} — "
        + "; ".join(" ".join(node["target"]) for node in v["nodes"][:4])
        for v in violations
        if v["impact"] in BLOCKING
    ]


@pytest.fixture
def phone(browser):
    context = browser.new_context(
        viewport={"width": 375, "height": 812}, is_mobile=True, has_touch=True, locale="zh-CN"
    )
    yield context.new_page()
    context.close()


def _check(page, urls: list[str]) -> list[str]:  # type: ignore[no-untyped-def]
    findings: list[str] = []
    for url in urls:
        page.goto(url)
        findings += axe_findings(page)
    return findings


def test_the_visitors_pages_have_no_serious_violations(live_server, phone, brand, category):
    order = order_new("13800000600")
    base = live_server.url
    findings = _check(
        phone,
        [
            base + reverse("home"),
            base + reverse("portal:repair"),
            base + reverse("customers:login"),
            base + reverse("portal:verify"),
            f"{base}/track/{order.number}/?t={order.tracking_token}",
        ],
    )
    assert not findings, "\n".join(findings)


def test_the_signed_in_customers_pages_have_no_serious_violations(
    live_server, phone, login, brand, category, product_model
):
    buyer = make_buyer()
    order_new("13800000000")  # the buyer's phone: the order shows in "my orders"
    claim = make_claim(buyer=buyer, brand=brand, product_model=product_model)
    login(phone, "buyer", "pw-buyer")
    base = live_server.url
    findings = _check(
        phone,
        [
            base + reverse("portal:my_orders"),
            base + reverse("evidence:new"),
            base + reverse("evidence:status", args=[claim.number]),
        ],
    )
    assert not findings, "\n".join(findings)


def test_the_technicians_offer_and_accepted_task_have_no_serious_violations(
    live_server, phone, login, settings, service_point, brand, category, technician
):
    settings.ANXIN_PLAN_TIME_LIMIT_S = 0.3
    cover(service_point, brand, category)
    always_on(skilled(technician, brand, category, lat=39.921, lng=116.444))
    order_new("13912345678")
    offer = DispatchOffer.objects.get(state=OfferState.PENDING, technician=technician)
    login(phone, "tech", "pw-tech")
    url = live_server.url + reverse("dispatch:me")

    findings = _check(phone, [url])  # the offer card
    assert phone.locator(f"[data-offer='{offer.pk}']").count() == 1
    offers.offer_accept(offer=offer, actor=technician.user)
    findings += _check(phone, [url])  # the accepted task with its next step
    assert phone.locator("[data-job] [data-step]").count() >= 1
    assert not findings, "\n".join(findings)


def test_the_technicians_visit_pages_and_badge_have_no_serious_violations(
    live_server, phone, login, technician
):
    order = visit_reach_on_site(order=order_new("13912345679"), technician=technician)
    login(phone, "tech", "pw-tech")
    base = live_server.url
    findings = _check(
        phone,
        [
            base + reverse("visits:page", args=[order.number]),
            base + reverse("visits:checklist", args=[order.number]),
            base + reverse("visits:diagnosis", args=[order.number]),
            base + reverse("parts:order_parts", args=[order.number]),
            base + reverse("pricing:order_quote", args=[order.number]),
            base + reverse("trust:badge"),
        ],
    )
    assert not findings, "\n".join(findings)


def test_the_customers_own_order_page_has_no_serious_violations(live_server, phone, login, brand, category):
    make_buyer()
    order = order_new("13800000000")  # the buyer's phone: her order, with the video consent question
    login(phone, "buyer", "pw-buyer")
    findings = _check(phone, [live_server.url + reverse("portal:my_order", args=[order.number])])
    assert not findings, "\n".join(findings)

"""Issue #10 acceptance: screenshots of every main page for every role at 375 and 1280 px
(tests/browser/screenshots/<role>-<page>-<width>.png, not committed), for a person to look at. The test also
fails on sideways scrolling and writes screenshots/layout-report.json: for each phone screenshot, where the
page's primary action sits (below the fold means the person has to scroll to find it)."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse

from anxin.dispatch.tests.factories import always_on, cover, order_new, skilled
from anxin.evidence.tests.factories import make_buyer, make_claim
from anxin.testing.visits import visit_reach_on_site
from tests.browser.conftest import SCREENSHOTS

pytestmark = pytest.mark.django_db(transaction=True)

WIDTHS = ((375, 812), (1280, 900))
BOTTOM_BAR = 72  # the customer's and technician's fixed bottom bar covers this much of a phone's screen
# The first visible primary control: Tabler's primary button, a submit button, or the technician's big
# unmarked button (accept / the next step; his secondary ones carry .secondary).
PRIMARY = (
    "main .btn-primary, main button[type=submit], #main .btn-primary, #main button[type=submit], "
    "main button.big:not(.secondary)"
)


@pytest.fixture
def world(
    settings, service_point, brand, category, product_model, technician, agent, dispatcher, brand_staff
):
    """One of everything: an order offered to the technician, the buyer's order and claim, an admin."""
    settings.ANXIN_PLAN_TIME_LIMIT_S = 0.3
    # An order the technician is working on (his visit page, badge and the quote page), filed before the
    # area is covered so that dispatch leaves it to the steps below.
    visit = visit_reach_on_site(order=order_new("13900000000"), technician=technician)
    cover(service_point, brand, category)
    always_on(skilled(technician, brand, category, lat=39.921, lng=116.444))
    buyer = make_buyer()
    order = order_new("13800000000")  # the buyer's own order, offered to the technician
    claim = make_claim(buyer=buyer, brand=brand, product_model=product_model)
    from anxin.accounts.models import User

    User.objects.create_superuser(username="admin1", password="pw-admin1", role="admin")
    return {"order": order, "claim": claim, "visit": visit}


def _pages(world) -> dict[str | None, dict[str, str]]:
    order, claim, visit = world["order"], world["claim"], world["visit"]
    track = f"/track/{order.number}/?t={order.tracking_token}"
    staff_order = reverse("workorders:detail", args=[order.number])
    return {
        None: {
            "home": reverse("home"),
            "repair": reverse("portal:repair"),
            "customer-login": reverse("customers:login"),
            "verify": reverse("portal:verify"),
            "track": track,
            "staff-login": reverse("accounts:login"),
        },
        "buyer": {
            "home": reverse("home"),
            "my-orders": reverse("portal:my_orders"),
            "my-order": reverse("portal:my_order", args=[order.number]),
            "claim-new": reverse("evidence:new"),
            "claim-status": reverse("evidence:status", args=[claim.number]),
        },
        "agent": {
            "orders": reverse("workorders:list"),
            "order": staff_order,
            "console": reverse("intake:console"),
            "claims": reverse("evidence:queue"),
            "lookup": reverse("network:lookup"),
            "prices": reverse("pricing:index"),
        },
        "dispatcher": {
            "orders": reverse("workorders:list"),
            "board": reverse("dispatch:board"),
            "service-points": reverse("network:service_points"),
            "coverage-map": reverse("network:coverage_map"),
            "parts": reverse("parts:catalogue"),
            "stock": reverse("parts:stock"),
        },
        "tech": {
            "tasks": reverse("dispatch:me"),
            "visit": reverse("visits:page", args=[visit.number]),
            "badge": reverse("trust:badge"),
        },
        "brandstaff": {
            "orders": reverse("workorders:list"),
            "claims": reverse("evidence:queue"),
            "claim-review": reverse("evidence:review", args=[claim.number]),
        },
        "admin1": {
            "orders": reverse("workorders:list"),
            "order": staff_order,
            "board": reverse("dispatch:board"),
            "quote": reverse("pricing:order_quote", args=[visit.number]),
            "fake-reports": reverse("trust:reports"),
            "admin": reverse("admin:index"),
        },
    }


def _shoot(page, base: str, role: str, name: str, path: str, width: int, height: int) -> dict:  # type: ignore[no-untyped-def]
    page.goto(base + path)
    page.wait_for_load_state("networkidle")
    page.screenshot(path=str(SCREENSHOTS / f"{role}-{name}-{width}.png"), full_page=True)
    found = page.evaluate(
        """([selector, height, bar]) => {
            const el = [...document.querySelectorAll(selector)].find(e => e.offsetParent !== null);
            const r = el && el.getBoundingClientRect();
            return {scroll_width: document.documentElement.scrollWidth, page_height: document.documentElement.scrollHeight,
                    primary: el ? (el.textContent || el.value || '').trim().slice(0, 20) : null,
                    primary_top: r ? Math.round(r.top + scrollY) : null,
                    primary_below_fold: r ? r.bottom + scrollY > height - bar : null};
        }""",
        [PRIMARY, height, BOTTOM_BAR if role in ("visitor", "buyer", "tech") else 0],
    )
    return {"page": f"{role}-{name}-{width}", "url": path, **found}


def test_every_main_page_for_every_role_at_phone_and_desktop_width(live_server, browser, login, world):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    report = []
    for username, pages in _pages(world).items():
        role = username or "visitor"
        for width, height in WIDTHS:
            phone = width < 768
            context = browser.new_context(
                viewport={"width": width, "height": height}, is_mobile=phone, has_touch=phone, locale="zh-CN"
            )
            page = context.new_page()
            if username:
                login(page, username, f"pw-{username}")
            for name, path in pages.items():
                report.append(_shoot(page, live_server.url, role, name, path, width, height))
            context.close()
    (SCREENSHOTS / "layout-report.json").write_text(json.dumps(report, indent=1, ensure_ascii=False))
    overflowing = [
        f"{r['page']} is {r['scroll_width']} px wide"
        for r in report
        if r["scroll_width"] > int(r["page"].rsplit("-", 1)[1])
    ]
    assert not overflowing, "\n".join(overflowing)

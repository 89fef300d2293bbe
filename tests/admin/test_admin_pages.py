"""The back office (/admin/, Unfold theme, ADR 20): every registered model's pages render for a superuser in
both languages, our apps' labels are Chinese, nothing loads from another host, personal data is masked."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

import pytest
from django.conf import settings
from django.contrib import admin
from django.contrib.auth.models import Group
from django.db.models import Model
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from anxin.accounts.models import User
from anxin.core.models import RevealLog
from anxin.dispatch.models import DispatchEscalation, DispatchOffer, DispatchPlan
from anxin.evidence.models import ClaimEvent, EvidenceAnalysis, EvidenceFile
from anxin.evidence.tests.factories import make_buyer, make_claim, make_rule
from anxin.network.models import CoverageArea
from anxin.notifications.models import Job
from anxin.parts.tests.factories import parts_admin_rows
from anxin.pricing.tests.factories import price_list_make
from anxin.trust.choices import ChannelKind
from anxin.trust.models import OfficialChannel
from anxin.trust.services import ReportInput, official_channel_save, report_submit
from anxin.visits.services import standards_load
from anxin.workorders.models import WorkOrder
from anxin.workorders.tests.factories import order_file

REGISTERED = sorted(admin.site._registry.items(), key=lambda item: item[0]._meta.label)
MODEL_IDS = [model._meta.label for model, _ in REGISTERED]
OUR_APPS = [(m, a) for m, a in REGISTERED if m.__module__.startswith("anxin.")]
PHONE = "13912345678"


def _client(user: User, language: str) -> Client:
    client = Client()
    client.force_login(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    return client


@pytest.fixture
def superuser(db) -> User:
    return User.objects.create_superuser(username="root", password="pw-root-admin")


@pytest.fixture
def one_of_each(
    brand, category, product_model, service_point, technician, superuser, token_for
) -> dict[str, Model]:
    """At least one row of every registered model, so each change page has something to show."""
    order = order_file(phone=PHONE, name="王小明", address="北京市朝阳区建国路88号院3号楼")
    standards_load()  # checklist templates and fault codes (visits)
    claim = make_claim(buyer=make_buyer(), brand=brand, product_model=product_model)
    make_rule(brand=brand)
    token_for(superuser)
    Group.objects.create(name="调度员")
    evidence = EvidenceFile.objects.create(
        claim=claim,
        kind="claim_photo",
        file="evidence/x.jpg",
        filename="13800000000.jpg",
        size=3,
        sha256="0" * 64,
    )
    EvidenceAnalysis.objects.create(file=evidence, risk="low", signals={}, engine_seconds=0.1)
    if not ClaimEvent.objects.exists():
        ClaimEvent.objects.create(claim=claim, kind="created", new_status=claim.status, actor=superuser)
    CoverageArea.objects.create(
        service_point=service_point, division_code="110105", level=3, name_path="北京市/朝阳区"
    )
    DispatchOffer.objects.create(
        order=order, technician=technician, created_at=timezone.now(), expires_at=timezone.now()
    )
    now = timezone.now()
    DispatchEscalation.objects.create(order=order, reason="no_candidate", created_at=now)
    DispatchPlan.objects.create(
        service_point=service_point, day=date(2026, 7, 1), engine="greedy", solve_seconds=0.1, planned_at=now
    )
    RevealLog.objects.create(
        actor=superuser, subject_type="workorder", subject_id=order.number, field="phone"
    )
    if not Job.objects.exists():
        Job.objects.create(kind="test", payload={})
    parts_admin_rows(brand=brand, technician=technician, order=order, admin=superuser)
    price_list_make(brand=brand, category=category)
    official_channel_save(
        channel=OfficialChannel(
            brand=brand, kind=ChannelKind.WEB, value="https://www.example.com/", label="官网"
        )
    )
    report_submit(
        data=ReportInput(
            kind=ChannelKind.PHONE, value="400-600-1234", where_seen="search", brand_code=brand.code
        )
    )
    return {"order": order, "claim": claim}


def _first(model: type[Model]) -> Model:
    row = model._default_manager.order_by("pk").first()
    assert row is not None, f"the fixture made no {model._meta.label}"
    return row


@pytest.mark.parametrize("language", ["zh-hans", "en"])
@pytest.mark.parametrize(("model", "model_admin"), REGISTERED, ids=MODEL_IDS)
def test_every_admin_page_renders_for_a_superuser(model, model_admin, language, superuser, one_of_each):
    client = _client(superuser, language)
    opts = model._meta
    changelist = client.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist"))
    assert changelist.status_code == 200
    assert changelist.headers["Content-Language"] == language

    change = client.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[_first(model).pk]))
    assert change.status_code == 200

    add = client.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_add"))
    can_add = model_admin.has_add_permission(change.wsgi_request)
    assert add.status_code == (200 if can_add else 403)


def test_the_index_names_our_apps_in_chinese(superuser):
    page = _client(superuser, "zh-hans").get(reverse("admin:index"))
    ours = [str(app["name"]) for app in page.context["app_list"] if app["app_label"] != "auth"]
    assert ours
    assert [name for name in ours if _english_words(name)] == []


def test_the_index_renders_in_both_languages(superuser, one_of_each):
    for language, title in [("zh-hans", "安心售后 · 管理后台"), ("en", "安心售后 · 管理后台")]:
        page = _client(superuser, language).get(reverse("admin:index"))
        assert page.status_code == 200
        assert "img/logo.svg" in page.content.decode()
        # the English title comes from the en catalogue once the integrator has run makemessages
        assert title in page.content.decode() or language == "en"


# Words that are names or codes, not labels: allowed in an otherwise Chinese page.
PROPER_NAMES = {"SHA", "IP", "ID", "API", "URL", "SLA", "GCJ", "JSON"}
ENGLISH_WORD = re.compile(r"[A-Za-z][A-Za-z]+(?: [A-Za-z]+)*")


@pytest.mark.parametrize(("model", "model_admin"), OUR_APPS, ids=[m._meta.label for m, _ in OUR_APPS])
def test_our_changelists_have_no_english_labels_in_chinese(model, model_admin, superuser, one_of_each):
    page = _client(superuser, "zh-hans").get(
        reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
    )
    changelist = page.context["cl"]
    labels = [str(model._meta.verbose_name), str(model._meta.verbose_name_plural)]
    labels += [str(header["text"]) for header in _result_headers(changelist)]
    labels += [str(spec.title) for spec in changelist.filter_specs]
    labels.append(str(page.context["opts"].app_config.verbose_name))
    english = [label for label in labels if _english_words(label)]
    assert english == []


def _result_headers(changelist):
    from django.contrib.admin.templatetags.admin_list import result_headers

    return [h for h in result_headers(changelist) if h["text"] and "action-toggle" not in str(h["text"])]


def _english_words(label: str) -> list[str]:
    return [word for word in ENGLISH_WORD.findall(label) if word.upper() not in PROPER_NAMES]


OTHER_HOST = re.compile(r"""(?:src|href|url\()\s*=?\s*["']?(?:https?:)?//(?!testserver)[^"'\s)]+""")


@pytest.mark.parametrize(
    "url_name",
    ["admin:index", "admin:workorders_workorder_changelist", "admin:customers_customer_changelist"],
)
def test_admin_pages_load_nothing_from_another_host(url_name, superuser, one_of_each):
    html = _client(superuser, "zh-hans").get(reverse(url_name)).content.decode()
    assert OTHER_HOST.findall(html) == []
    order = one_of_each["order"]
    change = _client(superuser, "zh-hans").get(reverse("admin:workorders_workorder_change", args=[order.pk]))
    assert OTHER_HOST.findall(change.content.decode()) == []


def test_admin_login_page_loads_nothing_from_another_host(db):
    html = Client().get(reverse("admin:login")).content.decode()
    assert OTHER_HOST.findall(html) == []


def test_lists_show_personal_data_masked(superuser, one_of_each):
    client = _client(superuser, "zh-hans")
    orders = client.get(reverse("admin:workorders_workorder_changelist")).content.decode()
    customers = client.get(reverse("admin:customers_customer_changelist")).content.decode()
    files = client.get(reverse("admin:evidence_evidencefile_changelist")).content.decode()
    for html in (orders, customers):
        assert "139****5678" in html
        assert PHONE not in html
        assert "王小明" not in html
    assert "王**" in customers
    assert "13800000000" not in files


def test_order_form_shows_contact_details_masked(superuser, one_of_each):
    order = one_of_each["order"]
    html = _client(superuser, "zh-hans").get(reverse("admin:workorders_workorder_change", args=[order.pk]))
    text = html.content.decode()
    assert "139****5678" in text
    assert PHONE not in text
    assert "建国路88号院" not in text


def test_orders_are_found_by_the_customers_full_phone_through_the_blind_index(superuser, one_of_each):
    client = _client(superuser, "zh-hans")
    url = reverse("admin:workorders_workorder_changelist")
    found = client.get(url, {"q": PHONE}).context["cl"]
    assert [o.number for o in found.result_list] == [one_of_each["order"].number]
    assert list(client.get(url, {"q": "13900000000"}).context["cl"].result_list) == []
    customers = client.get(reverse("admin:customers_customer_changelist"), {"q": "139 1234 5678"})
    assert customers.context["cl"].result_count == 1


def test_view_on_site_opens_the_product_pages(superuser, one_of_each):
    client = _client(superuser, "zh-hans")
    order: WorkOrder = one_of_each["order"]
    page = client.get(reverse("admin:workorders_workorder_change", args=[order.pk])).content.decode()
    assert reverse("workorders:detail", args=[order.number]) in page
    claim = one_of_each["claim"]
    page = client.get(reverse("admin:evidence_claim_change", args=[claim.pk])).content.decode()
    assert reverse("evidence:review", args=[claim.number]) in page


def test_amounts_render(superuser, one_of_each):
    """A Decimal column (claims) renders through the theme's list template."""
    page = _client(superuser, "en").get(reverse("admin:evidence_claim_changelist")).content.decode()
    assert str(Decimal("199.00")) in page

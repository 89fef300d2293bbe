"""The visit on the phone: a hub of steps; the checklist filled item by item (htmx), others read it; links
lead to it; every photo input is the camera's and shrunk; every post of the step pages can be queued."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from anxin.accounts.choices import Role
from anxin.accounts.models import User
from anxin.customers.models import Customer
from anxin.visits.choices import VisitKind
from anxin.visits.models import Inspection
from anxin.visits.selectors import templates_for_order
from anxin.visits.tests.factories import inspection_fill, jpeg_bytes, on_site_order

pytestmark = pytest.mark.django_db


@pytest.fixture
def order(technician, product_model):
    return on_site_order(technician=technician)


def _signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _start(client, order) -> Inspection:
    template = next(t for t in templates_for_order(order=order) if t.kind == VisitKind.INSPECTION)
    response = client.post(f"/visits/{order.number}/inspections/", {"template_id": template.pk})
    assert response.status_code == 302
    return Inspection.objects.get(order=order)


def test_an_out_of_range_reading_is_highlighted_at_once_and_on_every_later_view(order, technician):
    client = _signed_in(technician.user)
    page = client.get(f"/visits/{order.number}/checklist/").content.decode()
    assert 'data-template="disinfection-cabinet-inspection"' in page
    run = _start(client, order)

    url = f"/visits/{order.number}/inspections/{run.pk}/items/chamber_temp/"
    fragment = client.post(url, {"value": "95"}, HTTP_HX_REQUEST="true").content.decode()
    assert (
        fragment.lstrip().startswith("<li") and "out-of-range" in fragment and "超出范围：95 °C" in fragment
    )

    later = client.get(f"/visits/{order.number}/checklist/").content.decode()
    assert 'class="item answered failed out-of-range"' in later
    fixed = client.post(url, {"value": "125"}, HTTP_HX_REQUEST="true").content.decode()
    assert "out-of-range" not in fixed


def test_a_bad_value_answers_the_htmx_call_with_the_error(order, technician):
    client = _signed_in(technician.user)
    run = _start(client, order)
    response = client.post(
        f"/visits/{order.number}/inspections/{run.pk}/items/chamber_temp/",
        {"value": "hot"},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 422 and "数字" in response.content.decode()


def test_the_item_photo_and_the_camera_input(order, technician):
    client = _signed_in(technician.user)
    run = _start(client, order)
    page = client.get(f"/visits/{order.number}/checklist/").content.decode()
    assert 'capture="environment"' in page
    fragment = client.post(
        f"/visits/{order.number}/inspections/{run.pk}/items/photo_inside/photo/",
        {"file": SimpleUploadedFile("p.jpg", jpeg_bytes(), "image/jpeg")},
        HTTP_HX_REQUEST="true",
    ).content.decode()
    assert "answered" in fragment and "/attachments/" in fragment


def test_completing_freezes_the_page(order, technician):
    client = _signed_in(technician.user)
    run = inspection_fill(order=order, actor=technician.user, complete=False)
    assert client.post(f"/visits/{order.number}/inspections/{run.pk}/complete/").status_code == 302
    page = client.get(f"/visits/{order.number}/checklist/").content.decode()
    assert "记录不可修改" in page and f"/inspections/{run.pk}/items/" not in page
    refused = client.post(f"/visits/{order.number}/inspections/{run.pk}/items/uv_lamp/", {"value": "fail"})
    assert refused.status_code == 409


def test_brand_staff_read_it_without_any_form_and_other_people_get_404(
    order, technician, brand_staff, other_technician
):
    inspection_fill(order=order, actor=technician.user, answers={"chamber_temp": "90"})
    page = _signed_in(brand_staff).get(f"/visits/{order.number}/checklist/").content.decode()
    assert "out-of-range" in page and "<form" not in page.split('class="visit"', 1)[1]
    assert _signed_in(other_technician.user).get(f"/visits/{order.number}/").status_code == 404


def test_the_diagnosis_form_records_codes_and_moves_the_order(order, technician):
    inspection_fill(order=order, actor=technician.user)
    client = _signed_in(technician.user)
    response = client.post(f"/visits/{order.number}/diagnosis/", {"fault_codes": ["E5"], "cause": "灯管不亮"})
    assert response.status_code == 302
    order.refresh_from_db()
    assert order.status == "diagnosed"
    assert "E5 紫外线灯管故障" in client.get(f"/visits/{order.number}/diagnosis/").content.decode()


def test_the_customer_sees_the_results_on_his_order_page(order, technician):
    inspection_fill(order=order, actor=technician.user, answers={"door_seal": "aged"})
    owner = User.objects.create_user(username="owner", role=Role.CUSTOMER)
    Customer.objects.filter(pk=order.customer_id).update(user=owner)
    page = _signed_in(owner).get(f"/my/{order.number}/").content.decode()
    assert 'id="visit-results"' in page and "老化变形" in page and "更换门封条" in page
    # Through the anonymous tracking link nothing of the visit shows (no signed-in reader).
    tracked = Client().get(f"/track/{order.number}/?t={order.tracking_token}").content.decode()
    assert 'id="visit-results"' not in tracked


def test_the_job_card_and_the_staff_order_page_link_to_the_visit(order, technician, dispatcher):
    card = _signed_in(technician.user).get("/dispatch/me/").content.decode()
    assert f'href="/visits/{order.number}/"' in card
    staff_page = _signed_in(dispatcher).get(f"/orders/{order.number}/").content.decode()
    assert f'href="/visits/{order.number}/"' in staff_page


def test_the_printable_assessment_lists_findings_by_severity(technician):
    from anxin.catalog.models import Brand, ProductCategory, ProductModel
    from anxin.visits.services import standards_load

    standards_load()
    brand = Brand.objects.create(code="qianbaishi", name="千百饰")
    ProductModel.objects.create(
        brand=brand, category=ProductCategory.objects.get(code="safe"), code="BGX-45D", name="x"
    )
    order = on_site_order(
        technician=technician, brand="千百饰", category="保险柜", model="BGX-45D", phone="13800000077"
    )
    run = inspection_fill(
        order=order, actor=technician.user, kind=VisitKind.SECURITY,
        answers={"hidden_location": False, "code_changed": False},
    )  # fmt: skip
    page = (
        _signed_in(technician.user)
        .get(f"/visits/{order.number}/inspections/{run.pk}/assessment/")
        .content.decode()
    )
    assert page.index('data-finding="code_changed"') < page.index('data-finding="hidden_location"')
    assert "高风险" in page and "window.print()" in page


def test_the_hub_lists_the_steps_in_order_and_the_next_one_is_the_single_primary_action(order, technician):
    client = _signed_in(technician.user)
    hub = client.get(f"/visits/{order.number}/").content.decode()
    keys = ["checklist", "diagnosis", "parts", "quote", "completion"]
    positions = [hub.index(f'data-step="{k}"') for k in keys]
    assert positions == sorted(positions)
    assert hub.count('class="button big primary"') == 1
    assert f'id="next-step" href="/visits/{order.number}/checklist/"' in hub
    for href in (
        f"/visits/{order.number}/checklist/",
        f"/parts/orders/{order.number}/",
        f"/prices/orders/{order.number}/",
    ):
        assert f'href="{href}" data-offline-warm' in hub

    inspection_fill(order=order, actor=technician.user)
    hub = client.get(f"/visits/{order.number}/").content.decode()
    assert 'data-step="checklist" data-state="done"' in hub
    assert f'id="next-step" href="/visits/{order.number}/diagnosis/"' in hub


def test_every_step_page_links_back_to_the_hub(order, technician):
    client = _signed_in(technician.user)
    back = f'href="/visits/{order.number}/" data-offline-warm'
    for url in (
        f"/visits/{order.number}/checklist/",
        f"/visits/{order.number}/diagnosis/",
        f"/parts/orders/{order.number}/",
        f"/prices/orders/{order.number}/",
    ):
        assert back in client.get(url).content.decode(), url


def test_the_step_pages_post_with_htmx_and_their_photo_inputs_shrink_and_use_the_camera(order, technician):
    client = _signed_in(technician.user)
    _start(client, order)
    for url in (f"/visits/{order.number}/checklist/", f"/visits/{order.number}/diagnosis/"):
        page = client.get(url).content.decode()
        body = page.split('class="visit"', 1)[1]
        inputs = [chunk.split(">", 1)[0] for chunk in body.split('<input type="file"')[1:]]
        assert inputs, url
        assert all("data-shrink" in i and 'capture="environment"' in i for i in inputs), url
        # A form that posts without htmx is a page navigation, which the phone cannot queue offline; only
        # starting a checklist (it needs the network to create the rows) stays a plain post.
        forms = [chunk.split(">", 1)[0] for chunk in body.split("<form")[1:]]
        plain = [f for f in forms if "hx-post" not in f]
        assert forms and all(f'action="/visits/{order.number}/inspections/"' in f for f in plain), (
            url,
            plain,
        )


def test_a_photo_posted_with_htmx_answers_the_photo_list(order, technician):
    client = _signed_in(technician.user)
    response = client.post(
        f"/visits/{order.number}/photos/",
        {"role": "before", "file": SimpleUploadedFile("p.jpg", jpeg_bytes(), "image/jpeg")},
        HTTP_HX_REQUEST="true",
        follow=True,
    )
    page = response.content.decode()
    assert response.status_code == 200 and 'id="visit-photos"' in page
    assert f'data-role="before"><a href="/orders/{order.number}/attachments/' in page


def test_every_page_of_the_visit_is_a_field_page_of_the_offline_worker(order, technician):
    from anxin.portal.pwa import FIELD_PREFIXES

    run = inspection_fill(order=order, actor=technician.user, complete=False)
    pages = [
        reverse("visits:page", args=[order.number]),
        reverse("visits:checklist", args=[order.number]),
        reverse("visits:diagnosis", args=[order.number]),
        reverse("visits:photos", args=[order.number]),
        reverse("visits:item", args=[order.number, run.pk, "uv_lamp"]),
        reverse("visits:item_photo", args=[order.number, run.pk, "photo_inside"]),
        reverse("parts:order_parts", args=[order.number]),
        reverse("pricing:order_quote", args=[order.number]),
        reverse("workorders:detail", args=[order.number]),
        reverse("attachments:thumb", args=[order.number, 1]),
    ]
    assert [p for p in pages if not any(p.startswith(prefix) for prefix in FIELD_PREFIXES)] == []

import io
import zipfile

from django.core.files.uploadedfile import SimpleUploadedFile

from anxin.evidence import services
from anxin.evidence.choices import ClaimStatus, EvidenceKind

from .factories import forged_bytes, genuine_bytes, listing_bytes, make_buyer, make_claim

BASE = "/api/v1/claims"


def _create_body(brand, product_model) -> dict:
    return {
        "claim_type": "refund_only",
        "brand": brand.code,
        "product_model_id": product_model.pk,
        "order_number": "JD-88001",
        "amount_paid": "299.00",
        "amount_claimed": "299.00",
        "description": "收到时门板开裂",
    }


def test_a_buyer_files_a_claim(buyer, brand, product_model, client_for):
    response = client_for(buyer).post(
        BASE, _create_body(brand, product_model), content_type="application/json"
    )

    assert response.status_code == 201
    body = response.json()
    assert body["status"] == ClaimStatus.SUBMITTED
    assert body["timeline"][0]["kind"] == "submitted"


def test_staff_cannot_file_a_claim_as_a_buyer(brand_staff, brand, product_model, client_for):
    response = client_for(brand_staff).post(
        BASE, _create_body(brand, product_model), content_type="application/json"
    )

    assert response.status_code == 403


def test_it_rejects_unknown_fields(buyer, brand, product_model, client_for):
    body = {**_create_body(brand, product_model), "risk": "low"}

    response = client_for(buyer).post(BASE, body, content_type="application/json")

    assert response.status_code == 422
    assert response.json()["field"] == "risk"


def test_it_rejects_outsider(outsider, buyer, brand, client_for):
    claim = make_claim(buyer=buyer, brand=brand)

    assert client_for(outsider).get(f"{BASE}/{claim.number}").status_code == 404
    assert client_for(outsider).get(BASE).json() == []
    assert client_for(outsider).post(BASE, {}, content_type="application/json").status_code in (403, 422)


def test_it_requires_authentication(api_client):
    assert api_client().get(BASE).status_code == 401


def test_another_buyer_cannot_see_the_claim(buyer, brand, client_for):
    claim = make_claim(buyer=buyer, brand=brand)

    assert client_for(make_buyer("nosy")).get(f"{BASE}/{claim.number}").status_code == 404


def test_staff_of_another_brand_cannot_see_the_claim(buyer, brand, other_brand, client_for):
    from anxin.accounts.models import User

    claim = make_claim(buyer=buyer, brand=brand)
    stranger = User.objects.create_user(username="s2", password="x", role="brand_staff")
    stranger.brands.add(other_brand)

    assert client_for(stranger).get(f"{BASE}/{claim.number}").status_code == 404


def test_the_buyer_uploads_a_photo_and_it_is_analysed(
    buyer, brand, listed_model, brand_staff, client_for, django_capture_on_commit_callbacks
):
    claim = make_claim(buyer=buyer, brand=brand, product_model=listed_model)
    upload = SimpleUploadedFile("damage.jpg", forged_bytes(), content_type="image/jpeg")

    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(buyer).post(
            f"{BASE}/{claim.number}/evidence", {"kind": "claim_photo", "file": upload}
        )

    assert response.status_code == 201
    detail = client_for(brand_staff).get(f"{BASE}/{claim.number}").json()
    assert detail["risk"] == "high"
    assert detail["files"][0]["heatmap_url"].endswith("heatmap.png")
    assert any("商家" in reason for reason in detail["files"][0]["reasons"])


def test_a_buyer_may_not_upload_shipping_photos(buyer, brand, client_for):
    claim = make_claim(buyer=buyer, brand=brand)
    upload = SimpleUploadedFile("s.jpg", genuine_bytes(), content_type="image/jpeg")

    response = client_for(buyer).post(
        f"{BASE}/{claim.number}/evidence", {"kind": "shipping_photo", "file": upload}
    )

    assert response.status_code == 403


def test_brand_staff_register_listing_photos_only_for_their_models(
    brand_staff, product_model, other_brand, category, client_for
):
    from anxin.catalog.models import ProductModel

    foreign = ProductModel.objects.create(brand=other_brand, category=category, code="X1", name="别家型号")
    upload = SimpleUploadedFile("l.jpg", listing_bytes(), content_type="image/jpeg")

    ok = client_for(brand_staff).post(f"{BASE}/models/{product_model.pk}/listing-photos", {"file": upload})
    upload.seek(0)
    refused = client_for(brand_staff).post(f"{BASE}/models/{foreign.pk}/listing-photos", {"file": upload})

    assert ok.status_code == 201
    assert refused.status_code == 404


def test_brand_staff_decide_and_the_buyer_appeals(buyer, brand, brand_staff, admin_user, client_for):
    claim = make_claim(buyer=buyer, brand=brand)

    decided = client_for(brand_staff).post(
        f"{BASE}/{claim.number}/decision",
        {"decision": "reject", "reason": "照片为商品主图修改"},
        content_type="application/json",
    )
    appealed = client_for(buyer).post(
        f"{BASE}/{claim.number}/appeal", {"reason": "我有开箱视频"}, content_type="application/json"
    )
    arbitrated = client_for(admin_user).post(
        f"{BASE}/{claim.number}/arbitration",
        {"decision": "reject", "reason": "维持原判"},
        content_type="application/json",
    )

    assert decided.status_code == 200 and decided.json()["status"] == "rejected"
    assert appealed.status_code == 200 and appealed.json()["status"] == "appealed"
    assert arbitrated.status_code == 200 and arbitrated.json()["status"] == "closed"


def test_a_buyer_cannot_decide_their_own_claim(buyer, brand, client_for):
    claim = make_claim(buyer=buyer, brand=brand)

    response = client_for(buyer).post(
        f"{BASE}/{claim.number}/decision", {"decision": "approve"}, content_type="application/json"
    )

    assert response.status_code == 403


def test_deciding_twice_conflicts(buyer, brand, brand_staff, client_for):
    claim = make_claim(buyer=buyer, brand=brand)
    client = client_for(brand_staff)
    client.post(
        f"{BASE}/{claim.number}/decision",
        {"decision": "approve", "reason": "ok"},
        content_type="application/json",
    )

    again = client.post(
        f"{BASE}/{claim.number}/decision",
        {"decision": "reject", "reason": "x"},
        content_type="application/json",
    )

    assert again.status_code == 409


def test_the_bundle_downloads_as_a_zip(buyer, brand, brand_staff, client_for):
    claim = make_claim(buyer=buyer, brand=brand)

    response = client_for(brand_staff).get(f"{BASE}/{claim.number}/bundle")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    content = b"".join(response.streaming_content)
    assert "timeline.json" in zipfile.ZipFile(io.BytesIO(content)).namelist()


def test_the_list_is_scoped_and_has_a_fixed_query_count(
    buyer, brand, brand_staff, client_for, django_assert_max_num_queries
):
    for _ in range(5):
        make_claim(buyer=buyer, brand=brand)
    client = client_for(brand_staff)

    with django_assert_max_num_queries(6):
        response = client.get(BASE)

    assert len(response.json()) == 5


def test_the_buyer_sees_the_decision_but_not_the_forgery_analysis(
    buyer, brand, brand_staff, client_for, django_capture_on_commit_callbacks
):

    from .factories import forged_bytes, make_claim

    claim = make_claim(buyer=buyer, brand=brand)
    with django_capture_on_commit_callbacks(execute=True):
        services.evidence_add(
            actor=buyer, claim=claim, kind=EvidenceKind.CLAIM_PHOTO, data=forged_bytes(), filename="f.jpg"
        )
    as_buyer = client_for(buyer).get(f"{BASE}/{claim.number}").json()
    as_staff = client_for(brand_staff).get(f"{BASE}/{claim.number}").json()
    assert (
        as_buyer["risk"] is None
        and as_buyer["files"][0]["reasons"] == []
        and as_buyer["files"][0]["heatmap_url"] is None
    )
    assert as_staff["risk"] is not None and as_staff["files"][0]["reasons"]

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from anxin.evidence import services
from anxin.evidence.choices import EvidenceKind
from anxin.evidence.models import Claim

from .factories import clip_bytes, forged_bytes, genuine_bytes, make_claim


def test_the_buyer_files_a_claim_with_a_photo_from_the_mobile_form(
    client, buyer, brand, product_model, django_capture_on_commit_callbacks
):
    client.force_login(buyer)
    form = {
        "claim_type": "refund_only",
        "brand": brand.code,
        "product_model": product_model.pk,
        "order_number": "PDD-1",
        "amount_paid": "99.00",
        "amount_claimed": "99.00",
        "description": "外壳破裂",
        "photo": SimpleUploadedFile("p.jpg", genuine_bytes(), content_type="image/jpeg"),
    }

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("evidence:new"), form)

    claim = Claim.objects.get()
    assert claim.product_model == product_model
    assert response.status_code == 302
    assert response["Location"] == reverse("evidence:status", args=[claim.number])
    page = client.get(response["Location"]).content.decode()
    assert claim.number in page and "处理记录" in page


def test_staff_cannot_open_the_buyer_form(client, brand_staff):
    client.force_login(brand_staff)

    assert client.get(reverse("evidence:new")).status_code == 403


def test_the_merchant_reviews_with_the_heat_map_and_decides(
    client, buyer, brand, brand_staff, listed_model, django_capture_on_commit_callbacks
):
    claim = make_claim(buyer=buyer, brand=brand, product_model=listed_model)
    with django_capture_on_commit_callbacks(execute=True):
        evidence = services.evidence_add(
            actor=buyer, claim=claim, kind=EvidenceKind.CLAIM_PHOTO, data=forged_bytes(), filename="f.jpg"
        )
    client.force_login(brand_staff)

    queue = client.get(reverse("evidence:queue")).content.decode()
    page = client.get(reverse("evidence:review", args=[claim.number])).content.decode()
    heatmap = client.get(reverse("evidence:heatmap", args=[claim.number, evidence.pk]))
    decided = client.post(
        reverse("evidence:review", args=[claim.number]), {"decision": "reject", "reason": "主图被修改"}
    )

    assert claim.number in queue
    assert "heatmap.png" in page and "系统不会自动同意" in page
    assert heatmap.status_code == 200 and heatmap["Content-Type"] == "image/png"
    assert decided.status_code == 302
    claim.refresh_from_db()
    assert claim.status == "rejected"


def test_it_rejects_outsider_on_every_page(client, outsider, buyer, brand):
    claim = make_claim(buyer=buyer, brand=brand)
    client.force_login(outsider)

    assert client.get(reverse("evidence:status", args=[claim.number])).status_code == 404
    assert client.get(reverse("evidence:queue")).status_code == 403
    assert client.get(reverse("evidence:review", args=[claim.number])).status_code == 403
    assert client.get(reverse("evidence:heatmap", args=[claim.number, 1])).status_code == 403


def test_an_appealed_claim_is_settled_by_the_platform_on_the_review_page(
    client, buyer, brand, brand_staff, admin_user
):
    claim = make_claim(buyer=buyer, brand=brand)
    Claim.objects.filter(pk=claim.pk).update(status="review", risk="high")
    services.claim_decide(
        actor=brand_staff, claim=Claim.objects.get(pk=claim.pk), decision="reject", reason="主图被修改"
    )
    services.claim_appeal(actor=buyer, claim=Claim.objects.get(pk=claim.pk), reason="确实是实拍")
    client.force_login(admin_user)

    page = client.get(reverse("evidence:review", args=[claim.number])).content.decode()
    missing_reason = client.post(
        reverse("evidence:review", args=[claim.number]), {"decision": "approve", "reason": ""}
    )
    settled = client.post(
        reverse("evidence:review", args=[claim.number]), {"decision": "approve", "reason": "复核实物照片属实"}
    )

    assert "平台仲裁" in page and "propose_repair" not in page
    assert missing_reason.status_code == 200
    assert settled.status_code == 302
    assert Claim.objects.get(pk=claim.pk).status == "approved"


def test_the_buyer_adds_a_photo_and_a_video_when_asked_for_more_evidence(
    client, buyer, brand, brand_staff, django_capture_on_commit_callbacks
):
    claim = make_claim(buyer=buyer, brand=brand)
    Claim.objects.filter(pk=claim.pk).update(status="review")
    services.claim_decide(
        actor=brand_staff, claim=Claim.objects.get(pk=claim.pk), decision="ask_more", reason="请拍摄序列号"
    )
    client.force_login(buyer)
    url = reverse("evidence:status", args=[claim.number])

    assert 'id="more-evidence-form"' in client.get(url).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {"file": SimpleUploadedFile("sn.jpg", genuine_bytes(), content_type="image/jpeg")})
    client.post(url, {"file": SimpleUploadedFile("clip.mp4", clip_bytes(), content_type="video/mp4")})

    kinds = sorted(Claim.objects.get(pk=claim.pk).files.values_list("kind", flat=True))
    assert kinds == ["claim_photo", "claim_video"]
    assert Claim.objects.get(pk=claim.pk).status == "review"  # analysed again, back to the merchant

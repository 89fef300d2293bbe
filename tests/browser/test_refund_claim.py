"""Issue #5 end to end: a refund-only claim with a forged photo is held, reviewed with the heat map,
decided, seen by the buyer, and its evidence bundle verifies."""

import hashlib
import io
import json
import zipfile

import pytest

from anxin.evidence import services
from anxin.evidence.choices import EvidenceKind
from anxin.evidence.models import Claim
from anxin.evidence.tests.factories import forged_bytes, listing_bytes, make_buyer, make_rule

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_forged_refund_claim_is_held_reviewed_decided_and_exported(
    live_server,
    browser,
    phone_page,
    desktop_page,
    screenshot,
    login,
    tmp_path,
    brand,
    product_model,
    brand_staff,
):
    # Given the merchant's listing photo and a rule that would auto-approve small refunds
    services.evidence_add(
        actor=brand_staff,
        product_model=product_model,
        kind=EvidenceKind.LISTING_PHOTO,
        data=listing_bytes(),
        filename="listing.jpg",
    )
    make_rule(brand=brand, auto_approve=True, limit="500.00")
    make_buyer()
    forged = tmp_path / "broken.jpg"
    forged.write_bytes(forged_bytes())

    # The buyer files a refund-only claim from the phone with a stain painted on the listing photo
    buyer = phone_page
    login(buyer, "buyer", "pw-buyer")
    buyer.goto(f"{live_server.url}/claims/new/")
    buyer.select_option("#id_claim_type", value="refund_only")
    buyer.select_option("#id_brand", label="乐创")
    buyer.select_option("#id_product_model", value=str(product_model.pk))
    buyer.fill("#id_order_number", "PDD20261124001")
    buyer.fill("#id_amount_paid", "199.00")
    buyer.fill("#id_amount_claimed", "199.00")
    buyer.fill("#id_description", "收到时柜门有大片污渍")
    buyer.set_input_files("#id_photo", str(forged))
    buyer.click("#claim-form button[type=submit]")
    buyer.wait_for_selector("#claim-status")
    claim = Claim.objects.get()
    assert buyer.get_attribute("#claim-status", "data-status") == "review"  # not auto-approved
    screenshot(buyer, "claim-buyer-submitted")

    # The merchant sees it held, with the reason and the heat map
    merchant = desktop_page
    login(merchant, "brandstaff", "pw-brandstaff")
    merchant.goto(f"{live_server.url}/claims/queue/")
    assert claim.number in merchant.text_content("#claim-queue")
    merchant.click(f"text={claim.number}")
    merchant.wait_for_selector("#hold-reason")
    assert merchant.get_attribute("#claim-risk", "data-risk") == "high"
    assert merchant.locator("ul.reasons li").count() >= 1
    heatmap = merchant.locator("img.heatmap")
    assert heatmap.count() == 1
    assert merchant.evaluate("document.querySelector('img.heatmap').naturalWidth") > 0
    screenshot(merchant, "claim-merchant-review")

    # The evidence bundle downloads and every file matches its recorded hash
    with merchant.expect_download() as download_info:
        merchant.click("#bundle-link")
    bundle = zipfile.ZipFile(io.BytesIO(download_info.value.path().read_bytes()))
    manifest = json.loads(bundle.read("manifest.json"))
    assert {entry["kind"] for entry in manifest} >= {"claim_photo"}
    for entry in manifest:
        assert hashlib.sha256(bundle.read(entry["path"])).hexdigest() == entry["sha256"]
    assert "report.html" in bundle.namelist() and "SHA256SUMS" in bundle.namelist()

    # The merchant rejects it; the buyer sees the outcome and may appeal
    merchant.select_option("#id_decision", value="reject")
    merchant.fill("#id_reason", "照片由商品主图修改而来（热力图标出的污渍区域）")
    merchant.click("#decision-form button[type=submit]")
    merchant.wait_for_selector("#claim-status[data-status=rejected]")
    buyer.reload()
    assert buyer.get_attribute("#claim-status", "data-status") == "rejected"
    assert buyer.locator("#appeal-form").count() == 1
    assert buyer.locator("ul.reasons").count() == 0  # the analysis is not shown to the buyer
    assert buyer.evaluate("document.documentElement.scrollWidth") <= 375
    screenshot(buyer, "claim-buyer-outcome")

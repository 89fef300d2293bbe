from django.contrib import admin
from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from unfold.admin import ModelAdmin

from anxin.core.masking import mask_free_text
from anxin.evidence.models import Claim, ClaimEvent, EvidenceAnalysis, EvidenceFile, RefundRule


@admin.register(RefundRule)
class RefundRuleAdmin(ModelAdmin):
    list_display = ("brand", "claim_type", "auto_approve", "auto_approve_max_amount", "claim_deadline_days")
    list_filter = ("claim_type", "auto_approve", "brand")
    list_select_related = ("brand",)


@admin.register(Claim)
class ClaimAdmin(ModelAdmin):
    """Decisions are made on the review page (it shows the analysis and records the decision event);
    "view on site" goes there. The buyer's description is ciphertext: shown masked, never edited here."""

    list_display = ("number", "claim_type", "status", "risk", "brand", "amount_claimed", "created_at")
    list_filter = ("status", "risk", "claim_type", "brand")
    list_select_related = ("brand",)
    search_fields = ("number", "order_number")
    date_hierarchy = "created_at"
    exclude = ("description",)
    readonly_fields = ("number", "status", "risk", "masked_description")
    raw_id_fields = ("buyer", "work_order", "product_model")

    @admin.display(description=_("描述"))
    def masked_description(self, obj: Claim) -> str:
        return mask_free_text(obj.description)

    def view_on_site(self, obj: Claim) -> str:
        return reverse("evidence:review", args=[obj.number])


@admin.register(EvidenceFile)
class EvidenceFileAdmin(ModelAdmin):
    """Read-only: evidence is never altered once received, and only arrives through ``evidence_add``
    (which checks what the bytes are and the per-claim caps), never through an admin form."""

    list_display = ("id", "kind", "claim", "masked_filename", "sha256", "received_at")
    list_filter = ("kind",)
    list_select_related = ("claim",)
    search_fields = ("claim__number", "=sha256")
    date_hierarchy = "received_at"
    exclude = ("filename",)
    readonly_fields = ("masked_filename",)

    @admin.display(description=_("文件名"))
    def masked_filename(self, obj: EvidenceFile) -> str:
        # the buyer's own file name can carry a phone number
        return mask_free_text(obj.filename)

    def has_add_permission(self, request: HttpRequest, obj: EvidenceFile | None = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: EvidenceFile | None = None) -> bool:
        return False


@admin.register(EvidenceAnalysis)
class EvidenceAnalysisAdmin(ModelAdmin):
    list_display = ("file", "risk", "engine_seconds", "created_at")
    list_filter = ("risk",)
    search_fields = ("file__claim__number",)
    date_hierarchy = "created_at"

    def has_change_permission(self, request: HttpRequest, obj: EvidenceAnalysis | None = None) -> bool:
        return False


@admin.register(ClaimEvent)
class ClaimEventAdmin(ModelAdmin):
    """The timeline is append-only."""

    list_display = ("claim", "kind", "old_status", "new_status", "actor", "created_at")
    list_filter = ("kind",)
    list_select_related = ("claim", "actor")
    search_fields = ("claim__number",)
    date_hierarchy = "created_at"

    def has_change_permission(self, request: HttpRequest, obj: ClaimEvent | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: ClaimEvent | None = None) -> bool:
        return False

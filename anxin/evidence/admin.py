from django.contrib import admin
from django.http import HttpRequest

from anxin.evidence.models import Claim, ClaimEvent, EvidenceAnalysis, EvidenceFile, RefundRule


@admin.register(RefundRule)
class RefundRuleAdmin(admin.ModelAdmin):
    list_display = ("brand", "claim_type", "auto_approve", "auto_approve_max_amount", "claim_deadline_days")
    list_filter = ("claim_type", "auto_approve")


@admin.register(Claim)
class ClaimAdmin(admin.ModelAdmin):
    list_display = ("number", "claim_type", "status", "risk", "brand", "amount_claimed", "created_at")
    list_filter = ("status", "risk", "claim_type")
    search_fields = ("number", "order_number")
    readonly_fields = ("number", "status", "risk")


@admin.register(EvidenceFile)
class EvidenceFileAdmin(admin.ModelAdmin):
    """Read-only: evidence is never altered once received, and only arrives through ``evidence_add``
    (which checks what the bytes are and the per-claim caps), never through an admin form."""

    list_display = ("id", "kind", "claim", "filename", "sha256", "received_at")
    list_filter = ("kind",)

    def has_add_permission(self, request: HttpRequest, obj: EvidenceFile | None = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: EvidenceFile | None = None) -> bool:
        return False


@admin.register(EvidenceAnalysis)
class EvidenceAnalysisAdmin(admin.ModelAdmin):
    list_display = ("file", "risk", "engine_seconds", "created_at")
    list_filter = ("risk",)

    def has_change_permission(self, request: HttpRequest, obj: EvidenceAnalysis | None = None) -> bool:
        return False


@admin.register(ClaimEvent)
class ClaimEventAdmin(admin.ModelAdmin):
    """The timeline is append-only."""

    list_display = ("claim", "kind", "old_status", "new_status", "actor", "created_at")

    def has_change_permission(self, request: HttpRequest, obj: ClaimEvent | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: ClaimEvent | None = None) -> bool:
        return False

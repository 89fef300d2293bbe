"""Is this technician or this hotline really ours? Answers for customers worried about fake repairmen."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.utils.translation import gettext as _

from anxin.catalog.selectors import brands_all
from anxin.core.masking import mask_name, normalize_phone
from anxin.network.selectors import service_point_by_phone, technician_lookup_for_verification


@dataclass(frozen=True)
class Verification:
    query: str
    kind: str  # "technician", "hotline", "service_point", "unknown"
    genuine: bool
    detail: str = ""


def verify_identity(*, query: str) -> Verification:
    """Look the text up as a technician's employee number, then as the platform's, a brand's or a
    service point's published number."""
    query = query.strip()[:40]
    if not query:
        return Verification(query=query, kind="unknown", genuine=False)
    technician = technician_lookup_for_verification(employee_no=query)
    if technician is not None:
        name = technician.user.display_name or technician.user.username
        return Verification(
            query=query,
            kind="technician",
            genuine=technician.is_active,
            detail=f"{mask_name(name)} · {technician.service_point.name}",
        )
    digits = normalize_phone(query)
    if digits and digits == normalize_phone(settings.ANXIN_HOTLINE):
        return Verification(query=query, kind="hotline", genuine=True, detail=_("安心平台客服热线"))
    for brand in brands_all():
        if digits and normalize_phone(brand.hotline) == digits:
            return Verification(query=query, kind="hotline", genuine=True, detail=brand.name)
    point = service_point_by_phone(digits=digits)
    if point is not None:
        detail = point.name if point.is_active else _("%(name)s（该网点已停止服务）") % {"name": point.name}
        return Verification(query=query, kind="service_point", genuine=point.is_active, detail=detail)
    return Verification(query=query, kind="unknown", genuine=False)

"""Is this technician, hotline or web address really ours? Answers for customers worried about fake repairmen.

Badge tokens (the QR code on a technician's phone) are checked by ``anxin.trust.services.badge_token_check``;
this module answers the typed query: an employee number, a phone number, or a web address.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.utils.translation import gettext as _

from anxin.catalog.selectors import brands_all
from anxin.core.masking import mask_name, normalize_phone
from anxin.network.selectors import service_point_by_phone, technician_lookup_for_verification
from anxin.trust.addresses import phone_digits, web_address_parse
from anxin.trust.choices import ChannelKind
from anxin.trust.selectors import official_phone_channel
from anxin.trust.services import web_address_check


@dataclass(frozen=True)
class Verification:
    query: str
    kind: str  # "technician", "hotline", "service_point", "web", "lookalike", "unknown"
    genuine: bool
    detail: str = ""
    # Not one of ours: the report form offers to report it, pre-filled with this kind and value.
    report_kind: str = ""

    @property
    def reportable(self) -> bool:
        return bool(self.report_kind)


def _looks_like_phone(query: str) -> bool:
    """Digits with the usual separators (a number like 400.881.6088 is not a web address)."""
    return bool(normalize_phone(query)) and all(ch.isdigit() or ch in " -+().#" for ch in query)


def verify_identity(*, query: str) -> Verification:
    """Look the text up as a technician's employee number, then as the platform's, a brand's or a
    service point's published number."""
    query = query.strip()[:200]
    if not query:
        return Verification(query=query, kind="unknown", genuine=False)
    technician = technician_lookup_for_verification(employee_no=query[:40])
    if technician is not None:
        name = technician.user.display_name or technician.user.username
        return Verification(
            query=query,
            kind="technician",
            genuine=technician.is_active,
            detail=f"{mask_name(name)} · {technician.service_point.name}",
        )
    digits = phone_digits(query)
    if digits and digits == phone_digits(settings.ANXIN_HOTLINE):
        return Verification(query=query, kind="hotline", genuine=True, detail=_("安心平台客服热线"))
    for brand in brands_all():
        if digits and phone_digits(brand.hotline) == digits:
            return Verification(query=query, kind="hotline", genuine=True, detail=brand.name)
    if digits and (channel := official_phone_channel(digits=digits)) is not None:
        owner = channel.brand.name if channel.brand else _("安心平台")
        return Verification(query=query, kind="hotline", genuine=True, detail=channel.label or owner)
    point = service_point_by_phone(digits=digits)
    if point is not None:
        detail = point.name if point.is_active else _("%(name)s（该网点已停止服务）") % {"name": point.name}
        return Verification(query=query, kind="service_point", genuine=point.is_active, detail=detail)
    if _looks_like_phone(query):
        return Verification(query=query, kind="unknown", genuine=False, report_kind=ChannelKind.PHONE)
    if web_address_parse(query) is not None:
        return _verify_web(query)
    return Verification(query=query, kind="unknown", genuine=False)


def _verify_web(query: str) -> Verification:
    check = web_address_check(text=query)
    assert check is not None  # the caller parsed it
    shown = check.address.unicode_host + check.address.path
    if check.official is not None:
        return Verification(query=query, kind="web", genuine=True, detail=check.owner)
    if check.imitates is not None:
        return Verification(
            query=query, kind="lookalike", genuine=False, detail=check.owner, report_kind=ChannelKind.WEB
        )
    return Verification(query=query, kind="web", genuine=False, detail=shown, report_kind=ChannelKind.WEB)

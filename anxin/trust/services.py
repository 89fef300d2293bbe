"""Writes and checks of anxin.trust: badge tokens, official channels, fake-channel reports and their review.

Badge tokens (docs/decisions.md, "Digital badge: stateless rotating tokens") are signed with Django's
``TimestampSigner`` under their own salt. A token names the technician, the order, a nonce, and (in the
signature's timestamp) when it was issued; it is valid for ``ANXIN_BADGE_TOKEN_TTL_S`` and nothing is
stored. The badge page shows a fresh one every ``ANXIN_BADGE_ROTATE_S``; an older token stays valid
until it expires (a customer who scanned it a minute ago is not told it is fake), and what stops a
photographed badge being shown at another door is its short life and its order: the check says which
order it is for and, opened from the customer's own order, says plainly when that is another order.
"""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core import signing
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext

from anxin.accounts.models import User
from anxin.accounts.permissions import require
from anxin.catalog.models import Brand
from anxin.catalog.selectors import brands_all
from anxin.core.crypto import get_keyring
from anxin.core.exceptions import Conflict, ValidationFailed
from anxin.core.images import image_ingest
from anxin.core.masking import mask_name
from anxin.network.models import Technician
from anxin.network.selectors import service_point_by_phone
from anxin.network.services import technician_photo_set
from anxin.trust import selectors
from anxin.trust.addresses import (
    WebAddress,
    phone_digits,
    web_address_imitates,
    web_address_matches,
    web_address_parse,
)
from anxin.trust.choices import REPORTABLE_KINDS, BadgeStatus, ChannelKind, SuspectStatus, WhereSeen
from anxin.trust.models import FakeChannelReport, OfficialChannel, SuspectChannel, SuspectChannelEvent
from anxin.trust.permissions import BADGE, REVIEW_REPORTS
from anxin.workorders.models import WorkOrder

_BADGE_SALT = "anxin.trust.badge"
# Long enough to tell an order number or address; short enough that a pasted essay is refused.
MAX_VALUE_CHARS = 200
MAX_NOTE_CHARS = 500
MAX_CONTACT_CHARS = 60
SCREENSHOT_EDGE = 1600


# -- badge tokens ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class BadgeToken:
    token: str
    order_number: str
    issued_at: dt.datetime
    expires_at: dt.datetime

    @property
    def verify_path(self) -> str:
        return f"{reverse('portal:verify')}?t={self.token}"

    @property
    def verify_url(self) -> str:
        """What the QR code holds: any phone's camera opens /verify/ with it."""
        return f"{settings.ANXIN_PUBLIC_URL}{self.verify_path}"


def _signer() -> signing.TimestampSigner:
    return signing.TimestampSigner(salt=_BADGE_SALT)


def badge_token_issue(*, actor: User, technician: Technician, order: WorkOrder) -> BadgeToken:
    """A fresh token for the technician's badge on ``order`` (his own badge, an order he is on)."""
    require(actor, BADGE, technician)
    if order.technician_id != technician.pk or order.status not in selectors.BADGE_STATUSES:
        raise Conflict(
            gettext("这张工单当前不由您上门服务，不能出示工牌"), field="order", code="not_assigned"
        )
    payload = {"t": technician.pk, "o": order.number, "n": secrets.token_urlsafe(6)}
    token = _signer().sign_object(payload, compress=True)
    issued_at = timezone.now()
    return BadgeToken(
        token=token,
        order_number=order.number,
        issued_at=issued_at,
        expires_at=issued_at + dt.timedelta(seconds=settings.ANXIN_BADGE_TOKEN_TTL_S),
    )


@dataclass(frozen=True)
class BadgeCheck:
    """What a scanned badge says; the technician's facts only when the token was genuine."""

    status: str
    order_number: str = ""
    expected_order: str = ""
    technician: Technician | None = None
    masked_name: str = ""
    employee_no: str = ""
    service_point: str = ""
    order_label: str = ""  # brand and category, e.g. "乐创 消毒柜" (no customer data)
    issued_at: dt.datetime | None = None
    expires_at: dt.datetime | None = None

    @property
    def valid(self) -> bool:
        return self.status == BadgeStatus.VALID

    @property
    def shows_photo(self) -> bool:
        """A genuine, live badge of an active technician: valid, or valid for another order."""
        return self.status in (BadgeStatus.VALID, BadgeStatus.OTHER_ORDER) and self.technician is not None


def _payload_fields(payload: Any) -> tuple[int, str] | None:
    if not isinstance(payload, dict):
        return None
    technician_id, number = payload.get("t"), payload.get("o")
    if not isinstance(technician_id, int) or not isinstance(number, str) or not number:
        return None
    return technician_id, number


def _issued_at(token: str) -> dt.datetime | None:
    """The issue time in a token whose signature checked out (the signer's base62 timestamp)."""
    try:
        stamp = token.rsplit(_signer().sep, 2)[-2]
        return dt.datetime.fromtimestamp(signing.b62_decode(stamp), tz=dt.UTC)
    except (IndexError, ValueError):
        return None


def _token_open(token: str) -> tuple[int, str] | str:
    """(technician id, order number) of a genuine live token, else the status that says why not."""
    try:
        payload = _signer().unsign_object(token, max_age=settings.ANXIN_BADGE_TOKEN_TTL_S)
    except signing.SignatureExpired:
        return BadgeStatus.EXPIRED
    except (signing.BadSignature, ValueError, UnicodeError):
        return BadgeStatus.FORGED
    return _payload_fields(payload) or BadgeStatus.FORGED


def _technician_facts(technician: Technician, token: str) -> dict[str, Any]:
    """What the customer sees of a genuine badge: masked name, employee number, service point, validity."""
    issued_at = _issued_at(token)
    ttl = dt.timedelta(seconds=settings.ANXIN_BADGE_TOKEN_TTL_S)
    return {
        "technician": technician,
        "masked_name": mask_name(technician.user.display_name or technician.user.username),
        "employee_no": technician.employee_no,
        "service_point": str(technician.service_point),
        "issued_at": issued_at,
        "expires_at": issued_at + ttl if issued_at else None,
    }


def badge_token_check(*, token: str, expected_order: str = "") -> BadgeCheck:
    """Is this a live badge of an active technician for an order he is on (``expected_order``, if given)?

    Expired, forged (bad signature or shape) and inactive say so and nothing more; a token for an order
    he no longer serves is ``not_assigned``; one for another order than the customer's ``other_order``.
    """
    token, expected_order = token.strip(), expected_order.strip().upper()[:20]
    opened = _token_open(token)
    if isinstance(opened, str):
        return BadgeCheck(status=opened, expected_order=expected_order)
    technician_id, number = opened
    technician = selectors.technician_for_badge_check(technician_id=technician_id)
    if technician is None or not technician.is_active or not technician.user.is_active:
        return BadgeCheck(status=BadgeStatus.INACTIVE, order_number=number, expected_order=expected_order)
    facts = {"order_number": number, "expected_order": expected_order, **_technician_facts(technician, token)}
    order = selectors.badge_order_for_check(number=number)
    if order is None or order.technician_id != technician.pk or order.status not in selectors.BADGE_STATUSES:
        return BadgeCheck(status=BadgeStatus.NOT_ASSIGNED, **{**facts, "technician": None})
    facts["order_label"] = " ".join(str(part) for part in (order.brand, order.category) if part)
    if expected_order and expected_order != number:
        return BadgeCheck(status=BadgeStatus.OTHER_ORDER, **facts)
    return BadgeCheck(status=BadgeStatus.VALID, **facts)


def badge_photo_path(*, token: str) -> str:
    """Where /verify/ loads the photo of a scanned badge (the token is the key, as for the check)."""
    return f"{reverse('trust:badge_photo')}?{urlencode({'t': token})}"


def badge_photo_set(*, actor: User, technician: Technician, data: bytes) -> Technician:
    """The technician sets his own badge photo (staff set it in the admin)."""
    require(actor, BADGE, technician)
    return technician_photo_set(technician=technician, data=data, field="photo")


# -- official channels ----------------------------------------------------------------------------


def channel_normalize(*, kind: str, value: str) -> str:
    """What lookups compare: a phone's digits, a web address's host and path, a WeChat name lower-cased."""
    if kind == ChannelKind.PHONE:
        return phone_digits(value)
    if kind == ChannelKind.WEB:
        address = web_address_parse(value)
        return address.normalized if address else ""
    return value.strip().lower()


@transaction.atomic
def official_channel_save(*, channel: OfficialChannel) -> OfficialChannel:
    """Create or update an official channel (admin, demo data), keeping its normal form in step."""
    channel.normalized = channel_normalize(kind=channel.kind, value=channel.value)
    if not channel.normalized:
        raise ValidationFailed(gettext("无法识别的号码或网址"), field="value", code="invalid_channel")
    channel.full_clean()
    channel.save()
    return channel


@dataclass(frozen=True)
class WebCheck:
    """A web address looked up: ours (``official``), made to look like ours (``imitates``), or unknown."""

    address: WebAddress
    official: OfficialChannel | None = None
    imitates: OfficialChannel | None = None

    @property
    def owner(self) -> str:
        channel = self.official or self.imitates
        if channel is None:
            return ""
        return str(channel.brand) if channel.brand else gettext("安心平台")


def web_address_check(*, text: str) -> WebCheck | None:
    """Look a pasted address up among the official web addresses; None when it is not an address."""
    address = web_address_parse(text[:MAX_VALUE_CHARS])
    if address is None:
        return None
    channels = [
        (channel, parsed)
        for channel in selectors.official_channels(kind=ChannelKind.WEB)
        if (parsed := web_address_parse(channel.value)) is not None
    ]
    for channel, official in channels:
        if web_address_matches(address, official):
            return WebCheck(address=address, official=channel)
    for channel, official in channels:
        if web_address_imitates(address, official):
            return WebCheck(address=address, imitates=channel)
    return WebCheck(address=address)


def phone_is_official(*, digits: str) -> bool:
    """Any number we publish: the platform's hotline, a brand's, an official channel row, a service point's."""
    if not digits:
        return False
    if digits == phone_digits(settings.ANXIN_HOTLINE):
        return True
    if any(brand.hotline and phone_digits(brand.hotline) == digits for brand in brands_all()):
        return True
    if selectors.official_phone_channel(digits=digits) is not None:
        return True
    point = service_point_by_phone(digits=digits)
    return point is not None and point.is_active


# -- fake-channel reports -------------------------------------------------------------------------


@dataclass(frozen=True)
class ReportInput:
    """A report as the public sends it (form or API); ``value`` is the number or address."""

    kind: str
    value: str
    where_seen: str
    note: str = ""
    contact: str = ""
    brand_code: str = ""
    screenshot: bytes | None = None


def _suspect_value(data: ReportInput) -> tuple[str, Brand | None]:
    """The normal form of the reported value, and the brand a lookalike address imitates."""
    if data.kind not in REPORTABLE_KINDS:
        raise ValidationFailed(gettext("请选择号码或网址"), field="kind", code="invalid_kind")
    value = data.value.strip()
    if not value:
        raise ValidationFailed(gettext("请填写可疑的号码或网址"), field="value", code="required")
    if len(value) > MAX_VALUE_CHARS:
        raise ValidationFailed(
            gettext("号码或网址太长（最多 %(n)s 个字符）") % {"n": MAX_VALUE_CHARS},
            field="value",
            code="too_long",
        )
    if data.kind == ChannelKind.PHONE:
        digits = phone_digits(value)
        if not 5 <= len(digits) <= 15:
            raise ValidationFailed(gettext("请填写完整的电话号码"), field="value", code="invalid_phone")
        if phone_is_official(digits=digits):
            raise ValidationFailed(
                gettext("这是官方号码，不是假冒号码"), field="value", code="official_channel"
            )
        return digits, None
    check = web_address_check(text=value)
    if check is None:
        raise ValidationFailed(
            gettext("请填写完整的网址，例如 example.com"), field="value", code="invalid_url"
        )
    if check.official is not None:
        raise ValidationFailed(gettext("这是官方网址，不是假冒网址"), field="value", code="official_channel")
    return check.address.normalized, check.imitates.brand if check.imitates else None


def _text(value: str, *, field: str, limit: int) -> str:
    value = value.strip()
    if len(value) > limit:
        raise ValidationFailed(
            gettext("内容太长（最多 %(n)s 个字符）") % {"n": limit}, field=field, code="too_long"
        )
    return value


@transaction.atomic
def report_submit(*, data: ReportInput, reporter: User | None = None) -> FakeChannelReport:
    """Store one report under its suspect (created at its first report), counting it once.

    Every check names its field; the screenshot is re-encoded (no EXIF, nothing hidden after the image).
    Rate limits are the caller's (per client address, views and API).
    """
    normalized, imitated = _suspect_value(data)
    if data.where_seen not in WhereSeen.values:
        raise ValidationFailed(gettext("请选择在哪里看到的"), field="where_seen", code="invalid_choice")
    note = _text(data.note, field="note", limit=MAX_NOTE_CHARS)
    contact = _text(data.contact, field="contact", limit=MAX_CONTACT_CHARS)
    brand = imitated
    if data.brand_code:
        brand = next((b for b in brands_all() if b.code == data.brand_code), None)
        if brand is None:
            raise ValidationFailed(gettext("未知品牌"), field="brand", code="invalid_choice")
    image = (
        image_ingest(data.screenshot, field="screenshot", long_edge=SCREENSHOT_EDGE, reencode=True)
        if (data.screenshot)
        else None
    )
    now = timezone.now()
    index = get_keyring().blind_index(f"{data.kind}:{normalized}", context="trust.suspect")
    suspect, created = SuspectChannel.objects.select_for_update().get_or_create(
        value_index=index,
        defaults={
            "kind": data.kind,
            "value": normalized,
            "brand": brand,
            "first_reported_at": now,
            "last_reported_at": now,
        },
    )
    updates: dict[str, Any] = {"report_count": F("report_count") + 1, "last_reported_at": now}
    if not created and suspect.brand_id is None and brand is not None:
        updates["brand"] = brand
    SuspectChannel.objects.filter(pk=suspect.pk).update(**updates)
    report = FakeChannelReport(
        suspect=suspect,
        where_seen=data.where_seen,
        note=note,
        contact=contact,
        reporter=reporter if reporter is not None and reporter.is_authenticated else None,
    )
    if image is not None:
        report.screenshot_type = image.content_type
        report.screenshot.save(f"shot{image.suffix or '.jpg'}", ContentFile(image.data), save=False)
    report.full_clean(exclude=["suspect"])
    report.save()
    return report


@transaction.atomic
def suspect_review(*, actor: User, suspect: SuspectChannel, status: str) -> SuspectChannel:
    """Staff verdict: confirmed fake, dismissed, or back to new; recorded as an event row."""
    require(actor, REVIEW_REPORTS, suspect)
    if status not in SuspectStatus.values:
        raise ValidationFailed(gettext("未知的审核结果"), field="status", code="invalid_choice")
    old = suspect.status
    if old == status:
        return suspect
    changed = SuspectChannel.objects.filter(pk=suspect.pk, status=old).update(
        status=status, updated_at=timezone.now()
    )
    if not changed:
        raise Conflict(gettext("该记录刚被他人处理，请刷新后再试"), field="status", code="stale")
    SuspectChannelEvent.objects.create(suspect=suspect, from_status=old, to_status=status, actor=actor)
    suspect.status = status
    return suspect

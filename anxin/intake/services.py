"""One entry point for every channel: a repair request becomes (or joins) a work order.

"Every request is accepted": unknown brands, unresolved addresses and missing
non-essential fields are flagged for an agent, never refused. Only a request
with no way to reach the customer is refused.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
import threading
import time
import unicodedata
import uuid
from dataclasses import dataclass, field
from typing import cast

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext

from anxin.accounts.choices import Role
from anxin.accounts.models import User
from anxin.accounts.permissions import role_of
from anxin.catalog.models import Brand, ProductCategory, ProductModel
from anxin.catalog.selectors import brands_all, categories_all
from anxin.core.exceptions import Conflict, PermissionDenied, ValidationFailed
from anxin.core.images import attachment_image_ingest
from anxin.core.masking import normalize_email, normalize_phone
from anxin.core.rows import rows_insert
from anxin.customers.models import Customer, Device
from anxin.customers.services import customer_get_or_create, device_register
from anxin.dispatch.tasks import offer_new_order
from anxin.intake.models import IdempotencyRecord, IntakeRequest
from anxin.network.models import ServicePoint
from anxin.network.selectors import service_points_covering, service_points_nearest
from anxin.notifications.jobs import jobs_enqueue
from anxin.workorders.attention import attention_reasons, place_of
from anxin.workorders.choices import Channel, Event
from anxin.workorders.models import Attachment, WorkOrder, WorkOrderEvent
from anxin.workorders.selectors import workorder_open_for_customer
from anxin.workorders.services import workorder_create, workorder_event_record, workorder_number_next

MAX_ATTACHMENTS = 10


@dataclass
class IncomingFile:
    filename: str
    content: bytes
    content_type: str = ""


@dataclass
class RepairRequest:
    """What a channel extracted from its message. Only a phone or an e-mail is essential."""

    channel: str
    phone: str = ""
    email: str = ""
    name: str = ""
    address: str = ""
    brand: str = ""
    category: str = ""
    model: str = ""
    serial_number: str = ""
    purchase_date: dt.date | None = None
    description: str = ""
    preferred_time: str = ""
    external_ref: str = ""
    files: list[IncomingFile] = field(default_factory=list)

    def content_json(self) -> str:
        """What the customer said, for the encrypted IntakeRequest.content (files by name only)."""
        data = {k: v for k, v in self.__dict__.items() if k != "files" and v not in ("", None)}
        data["files"] = [attachment_name_clean(f.filename) for f in self.files]
        return json.dumps(data, ensure_ascii=False, default=str)

    def fingerprint(self) -> str:
        data = {k: v for k, v in self.__dict__.items() if k != "files"}
        data["files"] = [hashlib.sha256(f.content).hexdigest() for f in self.files]
        return hashlib.sha256(json.dumps(data, sort_keys=True, default=str).encode()).hexdigest()


@dataclass(frozen=True)
class IntakeResult:
    """What became of a request. ``order`` is for staff and internal use only.

    The requester may be told about ``order`` only when ``reveals_order``: their request
    created it. A request linked to an order that already existed answers with
    ``intake.receipt_number`` and nothing about that order.
    """

    order: WorkOrder
    created: bool  # False: linked to an order that was already open
    intake: IntakeRequest | None = None  # None only for idempotency rows older than receipts
    replayed: bool = False  # True: the same Idempotency-Key / external_ref was seen before

    @property
    def reveals_order(self) -> bool:
        return self.intake is not None and self.intake.created_order

    @property
    def linked(self) -> bool:
        if self.intake is None:
            return not self.created and not self.replayed
        return not self.intake.created_order

    @property
    def receipt_number(self) -> str | None:
        return self.intake.receipt_number if self.intake is not None else None


def _clean_contact(request: RepairRequest) -> tuple[str, str]:
    phone = normalize_phone(request.phone or "")
    email = normalize_email(request.email or "")
    if request.phone and not 7 <= len(phone) <= 15:
        if not email:
            raise ValidationFailed(
                gettext("电话号码应为 7 到 15 位数字"), field="phone", code="invalid_phone"
            )
        phone = ""
    if email and ("@" not in email or "." not in email.split("@")[-1]):
        if not phone:
            raise ValidationFailed(gettext("电子邮件地址无效"), field="email", code="invalid_email")
        email = ""
    if not phone and not email:
        raise ValidationFailed(
            gettext("需要电话号码或电子邮件地址以便联系客户"),
            field="phone",
            code="no_contact",
        )
    return phone, email


def brand_match(text: str) -> Brand | None:
    text = (text or "").strip()
    if not text:
        return None
    for fresh in (False, True):  # a brand added in the last seconds is not in the cache yet
        for brand in brands_all(fresh=fresh):
            if text.lower() in {brand.code.lower(), brand.name.lower()} or brand.name in text:
                return brand
    return None


def category_match(text: str) -> ProductCategory | None:
    text = (text or "").strip()
    if not text:
        return None
    for fresh in (False, True):
        for category in categories_all(fresh=fresh):
            if text.lower() in {category.code.lower(), category.name.lower()} or category.name in text:
                return category
    return None


def _device_for(
    *,
    customer: Customer,
    new_customer: bool,
    brand: Brand | None,
    category: ProductCategory | None,
    product_model: ProductModel | None,
    request: RepairRequest,
) -> Device | None:
    if brand is None or category is None:
        return None
    if not request.serial_number and not new_customer:
        existing = list(Device.objects.filter(customer=customer, brand=brand, category=category)[:2])
        if len(existing) == 1:
            return existing[0]
    return device_register(
        customer=customer,
        brand=brand,
        category=category,
        product_model=product_model,
        serial_number=request.serial_number,
        purchase_date=request.purchase_date,
    )


def _open_duplicate(
    *, customer: Customer, device: Device | None, brand_text: str, category_text: str
) -> WorkOrder | None:
    open_orders = workorder_open_for_customer(customer_id=customer.pk).select_for_update()
    if device is not None:
        return open_orders.filter(device=device).order_by("created_at").first()
    # brand_text/category_text are encrypted: compare the customer's few open orders in Python.
    for order in open_orders.filter(device__isnull=True).order_by("created_at"):
        if order.brand_text == brand_text and order.category_text == category_text:
            return order
    return None


def _brand_for_actor(*, actor: User | None, brand: Brand | None, brand_given: str) -> Brand | None:
    """Brand staff file orders for their own brands only; a blank brand means their (single) brand."""
    if actor is None or not actor.pk or role_of(actor) != Role.BRAND_STAFF:
        return brand
    own = list(actor.brands.all())
    if brand is None and not brand_given.strip() and len(own) == 1:
        return own[0]
    if brand is None or brand not in own:
        raise PermissionDenied(gettext("品牌人员只能为自己的品牌提交工单"), code="forbidden", field="brand")
    return brand


# Coverage answers are kept per process for a few seconds (one query less per intake at peak):
# a coverage change reaches new orders within COVERAGE_CACHE_SECONDS.
COVERAGE_CACHE_SECONDS = 10.0
_coverage_lock = threading.Lock()
_coverage_cache: dict[tuple[str, str, int, int], tuple[float, ServicePoint | None, str]] = {}


def coverage_cache_clear() -> None:
    with _coverage_lock:
        _coverage_cache.clear()


def _covering_point(
    *, county_code: str, township_code: str, brand: Brand, category: ProductCategory
) -> tuple[ServicePoint | None, str]:
    """The best service point covering the place, or None with the nearest ones named for the agent."""
    key = (county_code, township_code, brand.pk, category.pk)
    now = time.monotonic()
    hit = _coverage_cache.get(key)
    if hit is not None and now - hit[0] < COVERAGE_CACHE_SECONDS:
        return hit[1], hit[2]
    point, note = _covering_point_query(
        county_code=county_code, township_code=township_code, brand=brand, category=category
    )
    with _coverage_lock:
        _coverage_cache[key] = (now, point, note)
    return point, note


def _covering_point_query(
    *, county_code: str, township_code: str, brand: Brand, category: ProductCategory
) -> tuple[ServicePoint | None, str]:
    covering = service_points_covering(
        county_code=county_code, township_code=township_code, brand=brand, category=category
    )
    # Stored on the timeline in the site's language (a note is written once, read in either).
    if covering:
        with translation.override(settings.LANGUAGE_CODE):
            return covering[0], gettext("由 %(point)s 负责") % {"point": covering[0].name}
    nearest = service_points_nearest(
        county_code=county_code, township_code=township_code, brand=brand, category=category
    )
    with translation.override(settings.LANGUAGE_CODE):
        listed = "、".join(f"{point.name}（{km:.0f} 公里）" for point, km in nearest) or gettext("无")
        return None, gettext("超出服务范围；最近的网点：%(points)s") % {"points": listed}


_UNSAFE_IN_NAME = re.compile(r"[\x00-\x1f\x7f<>:\"|?*]")
_SAFE_SUFFIX = re.compile(r"\.[A-Za-z0-9]{1,8}$")


def attachment_name_clean(name: str | None) -> str:
    """The file's own name without any folder part (``..\\..\\x.jpg``, ``/home/…``) or control characters."""
    name = unicodedata.normalize("NFC", str(name or ""))
    name = re.split(r"[\\/]", name)[-1]
    name = _UNSAFE_IN_NAME.sub("", name).strip(" .")
    return name[:200] or "attachment"


def attachment_stored_name(name: str) -> str:
    """A random name on disk: people name files after themselves and their ID cards."""
    suffix = _SAFE_SUFFIX.search(name)
    return uuid.uuid4().hex + (suffix.group(0).lower() if suffix else "")


def _attachment_content(incoming: IncomingFile) -> tuple[bytes, str]:
    """Pictures are re-encoded (no GPS position, nothing appended, bounded size); anything else is
    kept as received and typed by us, never by the sender, so nothing downstream decodes or renders it."""
    try:
        picture = attachment_image_ingest(
            filename=incoming.filename, data=incoming.content, content_type=incoming.content_type
        )
    except ValidationFailed:
        # Not a picture we accept, or an image bomb: keep the bytes (every request is kept), opaque.
        return incoming.content, "application/octet-stream"
    return picture.data, picture.content_type


def _attach_files(
    *, order: WorkOrder, files: list[IncomingFile], event: WorkOrderEvent | None = None
) -> None:
    for incoming in files[:MAX_ATTACHMENTS]:
        original = attachment_name_clean(incoming.filename)
        content, content_type = _attachment_content(incoming)
        attachment = Attachment(
            order=order,
            event=event,
            filename=original,  # encrypted at rest
            content_type=content_type,
            size=len(content),
            sha256=hashlib.sha256(incoming.content).hexdigest(),  # of what the customer sent
        )
        attachment.file.save(attachment_stored_name(original), ContentFile(content), save=False)
        attachment.save()


@dataclass(frozen=True)
class _Resolved:
    """What intake worked out about a request before writing anything."""

    phone: str
    email: str
    brand: Brand | None
    category: ProductCategory | None
    product_model: ProductModel | None
    county_code: str
    township_code: str
    service_point: ServicePoint | None
    coverage_note: str
    attention: list[str]


def request_submit(*, request: RepairRequest, actor: User | None = None) -> IntakeResult:
    """Accept a repair request from any channel; create an order or link it to the open one.

    Orchestration only: normalise → resolve → (customer → order) in one transaction → enqueue.
    """
    phone, email = _request_normalise(request)
    replayed = _request_replayed(request=request, submitter=_submitter(actor))
    if replayed is not None:
        return replayed
    resolved = _request_resolve(request=request, actor=actor, phone=phone, email=email)
    number = workorder_number_next(when=timezone.now())  # its own short statement, before the transaction
    with transaction.atomic():
        return _request_record(request=request, actor=actor, resolved=resolved, number=number)


def _submitter(actor: User | None) -> User | None:
    return actor if actor is not None and actor.pk else None


def _request_normalise(request: RepairRequest) -> tuple[str, str]:
    if request.channel not in Channel.values:
        raise ValidationFailed(
            gettext("未知的渠道「%(channel)s」") % {"channel": request.channel}, field="channel"
        )
    return _clean_contact(request)


def _request_replayed(*, request: RepairRequest, submitter: User | None) -> IntakeResult | None:
    """A redelivered message (same Message-ID / platform message id) from the same source is the
    same request. Scoped per submitter: another API client's reference is a new request."""
    if not request.external_ref:
        return None
    seen = (
        IntakeRequest.objects.select_related("order")
        .filter(channel=request.channel, submitted_by=submitter, external_ref=request.external_ref[:200])
        .order_by("received_at", "pk")
        .first()
    )
    if seen is None:
        return None
    return IntakeResult(order=seen.order, created=False, intake=seen, replayed=True)


def _product_resolve(
    *, request: RepairRequest, actor: User | None
) -> tuple[Brand | None, ProductCategory | None, ProductModel | None]:
    brand = _brand_for_actor(actor=actor, brand=brand_match(request.brand), brand_given=request.brand)
    product_model = None
    if brand is not None and request.model:
        product_model = ProductModel.objects.filter(brand=brand, code__iexact=request.model.strip()).first()
    category = category_match(request.category) or (product_model.category if product_model else None)
    if category is None and brand is not None and brand.models.values("category").distinct().count() == 1:
        category = cast(
            ProductModel, brand.models.first()
        ).category  # count() == 1: a one-category brand (乐创 makes only cabinets)
    return brand, category, product_model


def _request_resolve(*, request: RepairRequest, actor: User | None, phone: str, email: str) -> _Resolved:
    brand, category, product_model = _product_resolve(request=request, actor=actor)
    county_code, township_code = place_of(request.address)
    service_point, coverage_note, covered = None, "", None
    if county_code and brand is not None and category is not None:
        service_point, coverage_note = _covering_point(
            county_code=county_code, township_code=township_code, brand=brand, category=category
        )
        covered = service_point is not None
    attention = attention_reasons(
        brand_known=brand is not None,
        category_known=category is not None,
        name=request.name,
        phone=phone,
        description=request.description,
        address=request.address,
        county_code=county_code,
        covered=covered,
    )
    return _Resolved(
        phone=phone,
        email=email,
        brand=brand,
        category=category,
        product_model=product_model,
        county_code=county_code,
        township_code=township_code,
        service_point=service_point,
        coverage_note=coverage_note,
        attention=attention,
    )


def _request_record(
    *, request: RepairRequest, actor: User | None, resolved: _Resolved, number: str
) -> IntakeResult:
    """Inside the intake transaction: the customer, their device, then a new order or a link."""
    customer, new_customer = customer_get_or_create(
        phone=resolved.phone, email=resolved.email, name=request.name.strip(), address=request.address.strip()
    )
    device = _device_for(
        customer=customer,
        new_customer=new_customer,
        brand=resolved.brand,
        category=resolved.category,
        product_model=resolved.product_model,
        request=request,
    )
    if not new_customer:
        existing = _open_duplicate(
            customer=customer,
            device=device,
            brand_text=request.brand.strip()[:60],
            category_text=request.category.strip()[:60],
        )
        if existing is not None:
            return _request_link(request=request, actor=actor, order=existing)
    order = workorder_create(
        channel=request.channel,
        customer=customer,
        device=device,
        brand=resolved.brand,
        category=resolved.category,
        brand_text=request.brand,
        category_text=request.category,
        contact_name=request.name,
        contact_phone=resolved.phone,
        service_address=request.address,
        description=request.description,
        county_code=resolved.county_code,
        township_code=resolved.township_code,
        preferred_time=request.preferred_time,
        attention=resolved.attention,
        service_point=resolved.service_point,
        actor=actor,
        note=resolved.coverage_note,
        number=number,
    )
    intake = _intake_request_create(request=request, actor=actor, order=order, created_order=True)
    _attach_files(order=order, files=request.files)
    _new_order_jobs_enqueue(order=order)
    return IntakeResult(order=order, created=True, intake=intake)


def _intake_request_create(
    *, request: RepairRequest, actor: User | None, order: WorkOrder, created_order: bool
) -> IntakeRequest:
    intake = IntakeRequest(
        channel=request.channel,
        order=order,
        created_order=created_order,
        external_ref=request.external_ref[:200],
        content=request.content_json(),
        submitted_by=_submitter(actor),
    )
    rows_insert([intake])
    return intake


def _request_link(*, request: RepairRequest, actor: User | None, order: WorkOrder) -> IntakeResult:
    """Another request for an order that is still open: a receipt and a timeline entry, no new order.

    The entry keeps what the customer said this time (encrypted in its details, masked on display)
    and the photos that came with it (attached to the order, linked to the entry).
    """
    intake = _intake_request_create(request=request, actor=actor, order=order, created_order=False)
    description = request.description.strip()[:4000]
    event = workorder_event_record(
        order=order,
        event=Event.LINKED_REQUEST,
        actor=actor,
        actor_label="" if actor else f"{request.channel} channel",
        note=(
            f"Another request for the same device arrived via {request.channel} "
            f"(receipt {intake.receipt_number}); linked here instead of a new order."
        ),
        details=json.dumps({"description": description}, ensure_ascii=False) if description else "",
    )
    _attach_files(order=order, files=request.files, event=event)
    _acknowledge_after_commit(order=order, linked=True)
    return IntakeResult(order=order, created=False, intake=intake)


def _acknowledge_after_commit(*, order: WorkOrder, linked: bool) -> None:
    from anxin.intake.tasks import acknowledge_request

    acknowledge_request.enqueue(order_id=order.pk, linked=linked)  # durable job, runs after commit


def _new_order_jobs_enqueue(*, order: WorkOrder) -> None:
    """Durable jobs, run after commit: acknowledge the request and offer the order to a technician
    at once. One INSERT for both (one statement less per intake)."""
    from anxin.intake.tasks import acknowledge_request

    jobs_enqueue(
        [
            (acknowledge_request, {"order_id": order.pk, "linked": False}),
            (offer_new_order, {"order_id": order.pk}),
        ]
    )


def request_submit_idempotent(*, request: RepairRequest, client: User, key: str) -> IntakeResult:
    """API intake: the same Idempotency-Key from the same client always answers with the same order.

    No look-up first: the unique (client, key) constraint decides. A retry runs the intake again,
    its IdempotencyRecord insert fails and the whole transaction (order, jobs) rolls back; the
    first request's answer is then replayed.
    """
    key = key.strip()
    if not key or len(key) > 200:
        raise ValidationFailed(gettext("Idempotency-Key 应为 1 到 200 个字符"), field="Idempotency-Key")
    fingerprint = request.fingerprint()
    phone, email = _request_normalise(request)
    try:
        replayed = _request_replayed(request=request, submitter=_submitter(client))
        if replayed is None:
            resolved = _request_resolve(request=request, actor=client, phone=phone, email=email)
            number = workorder_number_next(when=timezone.now())
        with transaction.atomic():
            result = replayed or _request_record(
                request=request, actor=client, resolved=resolved, number=number
            )
            rows_insert(
                [
                    IdempotencyRecord(
                        client=client,
                        key=key,
                        request_fingerprint=fingerprint,
                        order=result.order,
                        intake_request=result.intake,
                    )
                ]
            )
            return result
    except IntegrityError:
        # A retry (or a concurrent request) with the same key: ours rolled back whole.
        earlier = _idempotent_replay(client=client, key=key, fingerprint=fingerprint)
        if earlier is None:
            raise
        return earlier


def _idempotent_replay(*, client: User, key: str, fingerprint: str) -> IntakeResult | None:
    record = (
        IdempotencyRecord.objects.select_related("order", "intake_request")
        .filter(client=client, key=key)
        .first()
    )
    if record is None:
        return None
    if record.request_fingerprint != fingerprint:
        raise Conflict(
            gettext("此 Idempotency-Key 已用于另一个不同的请求正文"),
            code="idempotency_key_reused",
            field="Idempotency-Key",
        )
    return IntakeResult(order=record.order, created=False, intake=record.intake_request, replayed=True)

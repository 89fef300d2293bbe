"""Reads on work orders, always scoped to the actor (no unscoped get by id or number)."""

from __future__ import annotations

import datetime as dt
import re

from django.db.models import Q, QuerySet
from django.utils.translation import gettext

from anxin.accounts.choices import OPERATIONS_ROLES, Role
from anxin.accounts.models import User
from anxin.accounts.permissions import role_of
from anxin.catalog.models import Brand
from anxin.catalog.selectors import brands_all
from anxin.core.exceptions import NotFound
from anxin.core.images import image_ingest
from anxin.core.masking import normalize_phone
from anxin.customers.services import phone_blind_index
from anxin.workorders.choices import OPEN_STATUSES, STATUS_GROUPS, Event
from anxin.workorders.models import Attachment, WorkOrder, WorkOrderEvent


def workorder_visible_to(*, actor: User) -> QuerySet[WorkOrder]:
    """Operations staff see all; brand staff their brands; technicians their jobs; customers their own."""
    orders = WorkOrder.objects.all()
    if not actor.is_authenticated or not actor.is_active:
        return orders.none()
    role = role_of(actor)
    if role in OPERATIONS_ROLES:
        return orders
    if role == Role.BRAND_STAFF:
        return orders.filter(brand__in=actor.brands.all())
    if role == Role.TECHNICIAN:
        return orders.filter(technician__user=actor)
    if role == Role.CUSTOMER:
        return orders.filter(customer__user=actor)
    return orders.none()


def brands_visible_to(*, actor: User) -> list[Brand]:
    """The brands a viewer's lists may be filtered by: all for operations staff, brand staff their own."""
    role = role_of(actor)
    if role in OPERATIONS_ROLES:
        return sorted(brands_all(), key=lambda brand: brand.code)
    if role == Role.BRAND_STAFF:
        return list(actor.brands.order_by("code"))
    return []


def workorder_list_for(
    *,
    actor: User,
    status: str = "",
    attention_only: bool = False,
    q: str = "",
    brand_code: str = "",
    created_since: dt.datetime | None = None,
    created_until: dt.datetime | None = None,
) -> QuerySet[WorkOrder]:
    """The staff list: ``status`` is a Status value or a group ("open", "waiting"); dates are [since, until)."""
    orders = workorder_visible_to(actor=actor).select_related(
        "brand", "category", "technician__user", "service_point"
    )
    if status in STATUS_GROUPS:
        orders = orders.filter(status__in=STATUS_GROUPS[status])
    elif status:
        orders = orders.filter(status=status)
    if attention_only:
        orders = orders.exclude(attention=[])
    if q:
        orders = orders.filter(_search(q))
    if brand_code:
        orders = orders.filter(brand__code=brand_code)
    if created_since:
        orders = orders.filter(created_at__gte=created_since)
    if created_until:
        orders = orders.filter(created_at__lt=created_until)
    return orders.prefetch_related("sla_clocks")  # the clocks' own ordering: by due time


PHONE_QUERY = re.compile(r"\+?[\d\s-]+")


def _search(q: str) -> Q:
    """An order number (or part of one), or the customer's full phone number, matched by its blind index."""
    match = Q(number__icontains=q.strip())
    digits = normalize_phone(q)
    if PHONE_QUERY.fullmatch(q.strip()) and len(digits) >= 10:
        match |= Q(customer__phone_index=phone_blind_index(digits))
    return match


def workorder_get_for(*, actor: User, number: str) -> WorkOrder:
    order = (
        workorder_visible_to(actor=actor)
        .select_related(
            "brand", "category", "device__product_model", "technician__user", "service_point", "customer"
        )
        .filter(number=number)
        .first()
    )
    if order is None:
        raise NotFound(gettext("没有您可查看的工单 %(number)s") % {"number": number}, field="number")
    return order


def workorder_get_by_tracking(*, number: str, token: str) -> WorkOrder:
    """The anonymous customer's view after filing a web request: number + secret token from the link."""
    order = (
        WorkOrder.objects.select_related("brand", "category", "technician__user", "customer")
        .filter(number=number, tracking_token=token)
        .first()
    )
    if order is None or not token:
        raise NotFound(gettext("工单不存在，或链接不完整"), field="number")
    return order


# What a customer sees of the timeline: milestones, not the back office's reassignments and pauses.
CUSTOMER_TIMELINE_EVENTS = {
    Event.CREATED,
    Event.LINKED_REQUEST,
    Event.ACCEPT,
    Event.TECHNICIAN_ACCEPT,
    Event.DEPART,
    Event.ARRIVE,
    Event.DIAGNOSE,
    Event.REQUEST_APPROVAL,
    Event.START_REPAIR,
    Event.COMPLETE,
    Event.FOLLOW_UP,
    Event.CLOSE,
    Event.CANCEL,
    Event.REOPEN,
    Event.APPOINTMENT_SET,
    Event.VIDEO_RECORDED,  # the visit's recording, with its hash (the customer consented to it)
}


def workorder_timeline(*, order: WorkOrder, for_customer: bool = False) -> QuerySet[WorkOrderEvent]:
    events = order.events.select_related("actor").prefetch_related("attachments").order_by("created_at", "id")
    return events.filter(event__in=CUSTOMER_TIMELINE_EVENTS) if for_customer else events


def workorders_of_customer(*, customer_id: int) -> QuerySet[WorkOrder]:
    """A customer's repair orders, newest first (for a claim about damage done on a visit)."""
    return (
        WorkOrder.objects.filter(customer_id=customer_id)
        .select_related("brand", "category")
        .order_by("-created_at")
    )


def workorder_open_for_customer(*, customer_id: int) -> QuerySet[WorkOrder]:
    return WorkOrder.objects.filter(customer_id=customer_id, status__in=OPEN_STATUSES)


def workorders_open_flagged(*, reason: str) -> list[WorkOrder]:
    """Open orders carrying one attention flag (internal: for the workers that clear flags).

    Flagged orders are few; the flag is matched in Python (SQLite has no JSON containment lookup).
    """
    flagged = (
        WorkOrder.objects.filter(status__in=OPEN_STATUSES)
        .exclude(attention=[])
        .select_related("brand", "category", "device__product_model", "service_point", "customer")
        .order_by("created_at", "id")
    )
    return [order for order in flagged if reason in order.attention]


IMAGE_TYPES = {"image/jpeg", "image/png", "image/webp", "image/heif", "image/avif"}


def attachments_of(*, order: WorkOrder) -> QuerySet[Attachment]:
    """An order's files, oldest first; the caller has the order through a scoped selector."""
    return order.attachments.order_by("created_at", "id")


def workorder_photos(*, order: WorkOrder) -> QuerySet[Attachment]:
    """The pictures that came with the order (the caller has already been allowed to see it)."""
    return attachments_of(order=order).filter(content_type__in=IMAGE_TYPES)


def attachment_get(*, order: WorkOrder, attachment_id: int) -> Attachment:
    """One file of an order the caller could see (``workorder_get_for`` / ``workorder_get_by_tracking``):
    whoever may see the order may open its photos; anyone else already got 404 for the order."""
    attachment = attachments_of(order=order).filter(pk=attachment_id).first()
    if attachment is None:
        raise NotFound(
            gettext("工单 %(number)s 没有附件 %(attachment)s")
            % {"number": order.number, "attachment": attachment_id},
            field="attachment",
        )
    return attachment


THUMBNAIL_EDGE = 320


def attachment_thumbnail(attachment: Attachment) -> tuple[bytes, str] | None:
    """A small picture for the order page and the technician's card (None: not a picture).

    Made on request from the stored, already re-encoded picture (a few ms at 1600 px); browsers keep it.
    """
    if attachment.content_type not in IMAGE_TYPES:
        return None
    with attachment.file.open("rb") as f:
        data = f.read()
    thumb = image_ingest(data, field="attachment", long_edge=THUMBNAIL_EDGE, reencode=True)
    return thumb.data, thumb.content_type

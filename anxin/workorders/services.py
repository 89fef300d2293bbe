"""Writes on work orders: numbering, creation (``workorder_create``), the one transition service."""

from __future__ import annotations

import datetime as dt
import json
import secrets
from collections.abc import Collection
from dataclasses import dataclass, fields, replace
from typing import TYPE_CHECKING, cast

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from anxin.accounts.choices import Role
from anxin.accounts.models import User
from anxin.accounts.permissions import require, role_of
from anxin.catalog.models import Brand, ProductCategory, ProductModel
from anxin.core.exceptions import Conflict, PermissionDenied, ValidationFailed
from anxin.core.masking import normalize_phone
from anxin.core.outbox import outbox_kick
from anxin.core.rows import prepared_cursor, rows_insert
from anxin.customers.models import Customer, Device
from anxin.customers.services import device_register
from anxin.network.choices import TechnicianStatus
from anxin.network.selectors import service_points_covering
from anxin.network.services import technician_visit_status_set
from anxin.workorders.attention import attention_reasons, place_of
from anxin.workorders.choices import (
    CORRECTABLE_LABELS,
    OPEN_STATUSES,
    TRANSITION_EVENT_VALUES,
    AttentionReason,
    Event,
    Status,
)
from anxin.workorders.guards import transition_guards_check
from anxin.workorders.models import OrderNumberCounter, WorkOrder, WorkOrderEvent
from anxin.workorders.permissions import EDIT, RECORD_CONTACT, REVEAL, TRANSITIONS
from anxin.workorders.statemachine import events_from, next_status

if TYPE_CHECKING:  # for annotations only
    from anxin.network.models import ServicePoint, Technician


def workorder_number_next(*, when: dt.datetime) -> str:
    """Next WOyyyymmdd-nnnnnn for the local day, in one statement (an upsert returning the count).

    Call it outside a transaction, as intake does: the statement then commits by itself and the
    day's counter row is locked only for that statement, not across the intake (that lock capped
    throughput). A number taken by an intake that rolls back or links to an open order is never
    used: numbers are unique and increasing per day, but may have gaps.
    """
    day = timezone.localtime(when).date()
    table = connection.ops.quote_name(OrderNumberCounter._meta.db_table)
    with prepared_cursor() as cursor:  # prepared once per connection on PostgreSQL
        cursor.execute(
            f'INSERT INTO {table} ("day", "last") VALUES (%s, 1) '  # the table name comes from the model
            f'ON CONFLICT ("day") DO UPDATE SET "last" = {table}."last" + 1 RETURNING "last"',
            [connection.ops.adapt_datefield_value(day)],
        )
        (last,) = cursor.fetchone()
    return f"WO{day:%Y%m%d}-{last:06d}"


def new_tracking_token() -> str:
    return secrets.token_urlsafe(18)[:24]


@transaction.atomic(savepoint=False)  # inside intake's transaction: no savepoint of its own
def workorder_create(
    *,
    channel: str,
    customer: Customer,
    device: Device | None,
    brand: Brand | None,
    category: ProductCategory | None,
    brand_text: str = "",
    category_text: str = "",
    contact_name: str = "",
    contact_phone: str = "",
    service_address: str = "",
    description: str = "",
    county_code: str = "",
    township_code: str = "",
    preferred_time: str = "",
    attention: list[str] | None = None,
    service_point: ServicePoint | None = None,
    actor: User | None = None,
    note: str = "",
    number: str = "",  # taken beforehand by workorder_number_next (outside the caller's transaction)
    at: dt.datetime | None = None,
) -> WorkOrder:
    """A new order and its ``created`` event, the one place orders are made (a number is taken if none)."""
    now, attention = at or timezone.now(), list(attention or [])
    order = WorkOrder(
        number=number or workorder_number_next(when=now),
        channel=channel,
        customer=customer,
        device=device,
        brand=brand,
        category=category,
        brand_text=brand_text.strip()[:60],
        category_text=category_text.strip()[:60],
        contact_name=contact_name.strip()[:60],
        contact_phone=contact_phone,
        service_address=service_address.strip()[:300],
        description=description.strip()[:4000],
        county_code=county_code,
        township_code=township_code,
        in_warranty=device.in_warranty_on(timezone.localdate(now)) if device else None,
        preferred_time=preferred_time.strip()[:60],
        attention=attention,
        service_point=service_point,
        tracking_token=new_tracking_token(),
        created_by=actor if actor is not None and actor.pk else None,
        created_at=now,
    )
    rows_insert([order])  # save()'s row without the ORM's per-row overhead (intake's hot path)
    workorder_event_record(
        order=order,
        event=Event.CREATED,
        to_status=order.status,
        actor=actor,
        actor_label="" if actor else f"{channel} channel",  # shown in words by the event_actor filter
        note="；".join(filter(None, [attention_note(attention), note])),
        at=now,
    )
    return order


def attention_note(attention: Collection[str]) -> str:
    """Why an order was flagged, in words (the timeline is stored in the site's default language)."""
    if not attention:
        return ""
    with translation.override(settings.LANGUAGE_CODE):
        labels = [
            str(AttentionReason(code).label) if code in AttentionReason.values else code for code in attention
        ]
        return _("需人工处理：") + "、".join(labels)


def workorder_event_record(
    *,
    order: WorkOrder,
    event: str,  # an Event value
    actor: User | None,
    note: str = "",
    from_status: str = "",
    to_status: str = "",
    actor_label: str = "",
    at: dt.datetime | None = None,
    details: str = "",
) -> WorkOrderEvent:
    """Append to the timeline; the apps that react to `event` (sla, dispatch) are woken on commit.

    ``note`` is stored as is: never put personal data in it. ``details`` (JSON) is encrypted.
    """
    row = WorkOrderEvent(
        order=order,
        event=event,
        from_status=from_status,
        to_status=to_status,
        actor=actor if actor is not None and actor.pk else None,
        actor_label=actor_label or (str(actor) if actor is not None else "system"),
        note=note,
        details=details,
        created_at=at or timezone.now(),
    )
    rows_insert([row])  # the txid column keeps its database default, as with save()
    outbox_kick(event)  # after the row exists: outside a transaction the kick runs at once
    return row


# A customer may cancel until the technician sets off; after that the visit is under way.
CUSTOMER_CANCELLABLE = frozenset(
    {Status.RECEIVED, Status.ACCEPTED, Status.DISPATCHED, Status.TECHNICIAN_ACCEPTED, Status.REOPENED}
)


def _check_actor_may(*, order: WorkOrder, event: str, actor: User | None) -> None:
    if actor is None:  # the system itself (timers, workers)
        return
    require(actor, TRANSITIONS[event], order, code="forbidden_transition", field="event")
    role = role_of(actor)
    if role == Role.CUSTOMER:
        if event == Event.CANCEL and order.status not in CUSTOMER_CANCELLABLE:
            raise PermissionDenied(
                _("技师已出发，如需取消请致电客服热线"), code="forbidden_transition", field="event"
            )
        if event in {Event.START_REPAIR, Event.COMPLETE} and order.status != Status.AWAITING_APPROVAL:
            raise PermissionDenied(_("客户只能答复报价"), code="forbidden_transition")


@transaction.atomic
def workorder_transition(
    *,
    order: WorkOrder,
    event: str,
    actor: User | None,
    note: str = "",
    technician: Technician | None = None,
    actor_label: str = "",
) -> WorkOrder:
    """Move an order through the state machine; the only place status changes.

    ``actor_label`` names an actor without a user (a customer through their tracking link).

    The update is conditional on the status we read (a concurrent transition
    makes this one fail with 409 instead of silently overwriting it).
    """
    if event not in TRANSITION_EVENT_VALUES:
        raise Conflict(_("未知的操作「%(event)s」") % {"event": event}, code="unknown_event", field="event")
    _check_actor_may(order=order, event=event, actor=actor)
    current = order.status
    target = next_status(current, event)
    if target is None:
        allowed = "、".join(str(Event(e).label) for e in events_from(current)) or _("无")
        raise Conflict(
            _("状态为「%(status)s」的工单不能执行「%(event)s」（可执行：%(allowed)s）")
            % {"status": Status(current).label, "event": Event(event).label, "allowed": allowed},
            code="illegal_transition",
            field="event",
        )
    if event == Event.COMPLETE and current == Status.AWAITING_APPROVAL and not note.strip():
        raise Conflict(
            _("未维修即完工需要填写备注（说明报价被拒的原因）"),
            code="note_required",
            field="note",
        )
    transition_guards_check(order=order, event=event, actor=actor)

    changes: dict[str, object] = {"status": target, "updated_at": timezone.now()}
    if event == Event.DISPATCH:
        if technician is None:
            raise Conflict(_("派单需要指定技师"), code="technician_required", field="technician")
        changes["technician"] = technician
        changes["service_point"] = technician.service_point
    elif event in (Event.TECHNICIAN_DECLINE, Event.WITHDRAW):
        changes["technician"] = None
    updated = WorkOrder.objects.filter(pk=order.pk, status=current).update(**changes)
    if updated != 1:
        raise Conflict(_("工单已被他人修改，请刷新后重试"), code="concurrent_update")
    for key, value in changes.items():
        setattr(order, key, value)

    at = timezone.now()
    workorder_event_record(
        order=order, event=event, actor=actor, note=note, from_status=current, to_status=target,
        actor_label=actor_label, at=at,
    )  # fmt: skip
    _technician_follows_visit(order=order, event=event, from_status=current, at=at)
    return order


# Statuses in which the assigned technician is on his way to, or at, the customer's.
VISIT_UNDER_WAY = frozenset(
    {Status.EN_ROUTE, Status.ON_SITE, Status.DIAGNOSED, Status.AWAITING_APPROVAL, Status.IN_REPAIR}
)


def _technician_follows_visit(*, order: WorkOrder, event: str, from_status: str, at: dt.datetime) -> None:
    """His live status follows the visit here, in the transition, so that every path moves it alike
    (phone buttons, the visit's completion page, the API, a declined quote, commands): en route, on site,
    and available once the visit ends (completed, or cancelled under way) unless another visit of his
    is still under way (an older order completed late)."""
    if order.technician_id is None:
        return
    if event == Event.DEPART:
        live = TechnicianStatus.EN_ROUTE
    elif event == Event.ARRIVE:
        live = TechnicianStatus.ON_SITE
    elif event == Event.COMPLETE or (event == Event.CANCEL and from_status in VISIT_UNDER_WAY):
        busy_elsewhere = (
            WorkOrder.objects.filter(technician_id=order.technician_id, status__in=VISIT_UNDER_WAY)
            .exclude(pk=order.pk)
            .exists()
        )
        if busy_elsewhere:
            return
        live = TechnicianStatus.AVAILABLE
    else:
        return
    technician_visit_status_set(technician_id=order.technician_id, status=live, at=at)


@transaction.atomic
def workorder_cancel_by_customer(*, order: WorkOrder, actor: User | None, reason: str = "") -> WorkOrder:
    """The customer cancels, signed in (``actor``) or through their tracking link (``actor`` None),
    until the technician sets off; after that only the hotline can (the visit is under way)."""
    if order.status not in CUSTOMER_CANCELLABLE:
        raise Conflict(_("技师已出发，如需取消请致电客服热线"), code="forbidden_transition", field="event")
    return workorder_transition(
        order=order,
        event=Event.CANCEL,
        actor=actor,
        note=reason.strip()[:300],
        actor_label="" if actor is not None else "customer (tracking link)",
    )


@transaction.atomic
def workorder_appointment_set(
    *,
    order: WorkOrder,
    start: dt.datetime,
    end: dt.datetime,
    actor: User | None,
    allowed_statuses: Collection[str],
    at: dt.datetime,
) -> WorkOrder:
    """Store the promised arrival window; conditional on the order still being in `allowed_statuses`."""
    if end <= start:
        raise Conflict(_("预约结束时间须晚于开始时间"), code="invalid", field="end")
    updated = WorkOrder.objects.filter(pk=order.pk, status__in=allowed_statuses).update(
        appointment_start=start, appointment_end=end, updated_at=at
    )
    if not updated:
        raise Conflict(_("工单已被他人修改，请刷新后重试"), code="concurrent_update")
    order.appointment_start, order.appointment_end = start, end
    signed_in = actor is not None and actor.is_authenticated
    start_l, end_l = timezone.localtime(start), timezone.localtime(end)
    workorder_event_record(
        order=order,
        event=Event.APPOINTMENT_SET,
        actor=actor if signed_in else None,
        actor_label="" if signed_in else "customer (tracking link)",
        note=f"预约上门 {start_l:%m-%d %H:%M}–{end_l:%H:%M}",
        at=at,
    )
    return order


@transaction.atomic
def workorder_customer_contacted(*, order: WorkOrder, actor: User, note: str = "") -> WorkOrderEvent:
    """The technician or agent reached the customer (appointment agreed); sla keeps that promise."""
    require(actor, RECORD_CONTACT, order)
    if order.status not in OPEN_STATUSES:
        raise Conflict(_("工单未处于进行中"), code="illegal_transition", field="event")
    return workorder_event_record(order=order, event=Event.CUSTOMER_CONTACTED, actor=actor, note=note)


REVEALABLE_FIELDS = {"contact_phone", "contact_name", "service_address", "description"}


@transaction.atomic
def workorder_contact_reveal(
    *, order: WorkOrder, actor: User, field: str, reason: str = "", ip_address: str | None = None
) -> str:
    """Return one unmasked contact field and write the reveal to the audit log."""
    from anxin.core.services import reveal_log_create

    if field not in REVEALABLE_FIELDS:
        raise Conflict(
            _("「%(field)s」不能查看明文；可选：%(fields)s")
            % {"field": field, "fields": ", ".join(sorted(REVEALABLE_FIELDS))},
            code="invalid",
            field="field",
        )
    require(actor, REVEAL, order, field="field")
    reveal_log_create(
        actor=actor,
        subject_type="workorder",
        subject_id=order.number,
        field=field,
        reason=reason,
        ip_address=ip_address,
    )
    return cast(str, getattr(order, field))  # one of REVEALABLE_FIELDS, all text


# --- corrections (issue #11): agents and dispatchers fix what intake got wrong -----------------


@dataclass(frozen=True)
class OrderValues:
    """What an editor may correct on an order; the form and the API send the whole set."""

    contact_name: str
    contact_phone: str
    service_address: str
    brand: Brand | None
    category: ProductCategory | None
    product_model: ProductModel | None
    description: str
    appointment_start: dt.datetime | None
    appointment_end: dt.datetime | None

    @classmethod
    def of(cls, order: WorkOrder) -> OrderValues:
        device = order.device
        return cls(
            contact_name=order.contact_name,
            contact_phone=order.contact_phone,
            service_address=order.service_address,
            brand=order.brand,
            category=order.category,
            product_model=device.product_model if device is not None else None,
            description=order.description,
            appointment_start=order.appointment_start,
            appointment_end=order.appointment_end,
        )


# Personal fields: their old and new values go only into the encrypted ``details`` of the event.
CORRECTABLE_FIELDS: tuple[str, ...] = tuple(f.name for f in fields(OrderValues))


def workorder_version(order: WorkOrder) -> str:
    """The token an editor sends back: the order's last change; a mismatch means someone else wrote."""
    return order.updated_at.isoformat()


def _version_parse(version: str) -> dt.datetime:
    try:
        parsed = dt.datetime.fromisoformat(version.strip())
    except ValueError:
        parsed = None
    if parsed is None or parsed.tzinfo is None:
        raise ValidationFailed(_("version 应为您上次读取的工单版本（请重新打开工单）"), field="version")
    return parsed


def _values_clean(values: OrderValues) -> OrderValues:
    """Trimmed and checked; a bad value is a 422 naming its field."""
    phone = normalize_phone(values.contact_phone) if values.contact_phone.strip() else ""
    if values.contact_phone.strip() and not 7 <= len(phone) <= 15:
        raise ValidationFailed(_("电话号码应为 7 到 15 位数字"), field="contact_phone", code="invalid_phone")
    model = values.product_model
    if model is not None and values.brand is not None and model.brand_id != values.brand.pk:
        raise ValidationFailed(_("型号不属于所选品牌"), field="model")
    start, end = values.appointment_start, values.appointment_end
    if (start is None) != (end is None):
        raise ValidationFailed(
            _("预约时间需要开始和结束"), field="appointment_end" if start else "appointment_start"
        )
    if start is not None and end is not None and end <= start:
        raise ValidationFailed(_("预约结束时间须晚于开始时间"), field="appointment_end")
    return replace(
        values,
        contact_name=values.contact_name.strip()[:60],
        contact_phone=phone,
        service_address=values.service_address.strip()[:300],
        description=values.description.strip()[:4000],
    )


def _shown(value: object) -> str:
    """A value as the event's details keep it (model and product names by code, times local)."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return f"{timezone.localtime(value):%Y-%m-%d %H:%M}"
    if isinstance(value, ProductModel):
        return value.code
    return str(value)


@dataclass(frozen=True)
class _Placement:
    """Where an order stands after a correction or a coverage change: place, point and flags."""

    county_code: str
    township_code: str
    service_point: ServicePoint | None
    attention: list[str]


def workorder_placement(*, order: WorkOrder, values: OrderValues, address_changed: bool) -> _Placement:
    """The address resolved again (when it changed), coverage re-evaluated, the flags recomputed.

    A job already with a technician keeps its service point: moving it is the dispatcher's call.
    """
    county, township = (order.county_code, order.township_code)
    if address_changed:
        county, township = place_of(values.service_address)
    point: ServicePoint | None = order.service_point
    covered: bool | None = None
    if county and values.brand is not None and values.category is not None:
        covering = service_points_covering(
            county_code=county, township_code=township, brand=values.brand, category=values.category
        )
        covered = bool(covering)
        if order.technician_id is None:
            point = covering[0] if covering else None
    attention = attention_reasons(
        brand_known=values.brand is not None,
        category_known=values.category is not None,
        name=values.contact_name,
        phone=values.contact_phone,
        description=values.description,
        address=values.service_address,
        county_code=county,
        covered=covered,
    )
    return _Placement(county, township, point, attention)


def _device_for_values(*, order: WorkOrder, values: OrderValues) -> Device | None:
    """The customer's appliance matching the corrected brand, category and model (registered if new)."""
    if values.brand is None or values.category is None:
        return order.device
    device = order.device
    if device is not None and (device.brand_id, device.category_id, device.product_model_id) == (
        values.brand.pk,
        values.category.pk,
        values.product_model.pk if values.product_model else None,
    ):
        return device
    return device_register(
        customer=order.customer,
        brand=values.brand,
        category=values.category,
        product_model=values.product_model,
        purchase_date=device.purchase_date if device is not None else None,
    )


def _correction_note(changed: list[str], before: list[str], after: list[str], point: object) -> str:
    """The plain note (field names and flags only: the values are in the encrypted details)."""
    parts = ["更正：" + "、".join(str(CORRECTABLE_LABELS[f]) for f in changed)] if changed else []
    cleared = [str(AttentionReason(r).label) for r in before if r not in after]
    if cleared:
        parts.append("已解除：" + "、".join(cleared))
    if point is not None:
        parts.append(f"服务网点：{point}")
    return "；".join(parts)


@transaction.atomic
def workorder_correct(*, order: WorkOrder, actor: User, values: OrderValues, version: str) -> WorkOrder:
    """Apply an editor's corrections: one ``corrected`` event with old and new values (encrypted).

    Conditional on ``version`` (the order's ``updated_at`` as the editor read it): if anyone or
    anything changed the order meanwhile, 409 instead of overwriting their change. The address is
    resolved again, coverage re-evaluated and the flags recomputed; dispatch reads the event from
    the outbox and offers an order that is no longer blocked (anxin.dispatch.services.sweep).
    """
    require(actor, EDIT, order)
    if order.status not in OPEN_STATUSES:
        raise Conflict(_("只能更正未结束的工单"), code="illegal_transition", field="status")
    expected = _version_parse(version)
    values, before = _values_clean(values), OrderValues.of(order)
    changed = [f for f in CORRECTABLE_FIELDS if getattr(values, f) != getattr(before, f)]
    if not changed:
        return order
    placement = workorder_placement(order=order, values=values, address_changed="service_address" in changed)
    device = _device_for_values(order=order, values=values)
    updates: dict[str, object] = {
        **{f: getattr(values, f) for f in CORRECTABLE_FIELDS if f != "product_model"},
        "device": device,
        "in_warranty": device.in_warranty_on(timezone.localdate()) if device else order.in_warranty,
        "county_code": placement.county_code,
        "township_code": placement.township_code,
        "service_point": placement.service_point,
        "attention": placement.attention,
        "updated_at": timezone.now(),
    }
    if WorkOrder.objects.filter(pk=order.pk, updated_at=expected, status=order.status).update(**updates) != 1:
        raise Conflict(
            _("这张工单在您编辑期间已被他人或系统修改；请重新打开工单查看最新内容后再更正"),
            code="stale_version",
            field="version",
        )
    old_attention, old_point_id = list(order.attention), order.service_point_id
    for key, value in updates.items():
        setattr(order, key, value)
    details = {
        "changes": [
            {"field": f, "old": _shown(getattr(before, f)), "new": _shown(getattr(values, f))}
            for f in changed
        ],
        "attention": {"old": old_attention, "new": placement.attention},
    }
    workorder_event_record(
        order=order,
        event=Event.CORRECTED,
        actor=actor,
        note=_correction_note(
            changed,
            old_attention,
            placement.attention,
            placement.service_point if order.service_point_id != old_point_id else None,
        ),
        details=json.dumps(details, ensure_ascii=False),
    )
    return order


@transaction.atomic
def workorder_coverage_refresh(*, order: WorkOrder) -> bool:
    """An out-of-coverage order re-evaluated after a coverage change; True when it is covered now.

    Conditional on the order not having changed since it was read (a concurrent correction
    re-evaluates coverage itself).
    """
    placement = workorder_placement(order=order, values=OrderValues.of(order), address_changed=False)
    if AttentionReason.OUT_OF_COVERAGE in placement.attention or placement.service_point is None:
        return False
    now = timezone.now()
    updated = WorkOrder.objects.filter(pk=order.pk, updated_at=order.updated_at).update(
        service_point=placement.service_point, attention=placement.attention, updated_at=now
    )
    if updated != 1:
        return False
    old_attention = list(order.attention)
    order.service_point, order.attention, order.updated_at = placement.service_point, placement.attention, now
    workorder_event_record(
        order=order,
        event=Event.COVERAGE_FOUND,
        actor=None,
        actor_label="network",
        note=_correction_note([], old_attention, placement.attention, placement.service_point),
        at=now,
    )
    return True


def _catalog_pick(rows: Collection[Brand] | Collection[ProductCategory], text: str, field: str) -> object:
    wanted = text.strip().lower()
    for row in rows:
        if wanted in {row.code.lower(), row.name.lower()}:
            return row
    raise ValidationFailed(
        _("未知的%(label)s：%(text)s") % {"label": CORRECTABLE_LABELS[field], "text": text.strip()[:60]},
        field=field,
    )


def workorder_values_from(*, order: WorkOrder, given: dict[str, object]) -> OrderValues:
    """The order's values with what an editor gave (None or absent: unchanged), names resolved.

    ``brand``/``category``: code or name; ``model``: the brand's model code, blank clears it.
    """
    current = OrderValues.of(order)
    texts = {f: given.get(f) for f in ("contact_name", "contact_phone", "service_address", "description")}
    brand = current.brand
    if given.get("brand") not in (None, ""):
        brand = cast(Brand, _catalog_pick(Brand.objects.all(), str(given["brand"]), "brand"))
    category = current.category
    if given.get("category") not in (None, ""):
        category = cast(
            ProductCategory, _catalog_pick(ProductCategory.objects.all(), str(given["category"]), "category")
        )
    model = current.product_model if brand == current.brand else None
    if given.get("model") is not None:
        code = str(given["model"]).strip()
        model = ProductModel.objects.filter(brand=brand, code__iexact=code).first() if code else None
        if code and model is None:
            raise ValidationFailed(_("所选品牌没有型号 %(code)s") % {"code": code[:60]}, field="model")
    times = {f: given.get(f, getattr(current, f)) for f in ("appointment_start", "appointment_end")}
    return replace(
        current,
        **{f: str(v) for f, v in texts.items() if v is not None},
        brand=brand,
        category=category,
        product_model=model,
        appointment_start=cast("dt.datetime | None", times["appointment_start"]),
        appointment_end=cast("dt.datetime | None", times["appointment_end"]),
    )

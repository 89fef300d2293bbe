"""Genuine-part codes: brands issue them, technicians scan them on installation, refusals flag the brand.

A refused code must reach the brand even though the request fails, so ``part_code_verify`` writes the
alert in its own (inner) transaction and then raises. Callers must therefore verify *before* opening a
transaction that the refusal would roll back (``part_install`` does; pricing's quote services should do
the same), or the alert is rolled back with it.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Iterable

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext

from anxin.accounts.models import User
from anxin.accounts.permissions import require
from anxin.core.exceptions import Conflict, DomainError, ValidationFailed
from anxin.network.models import Technician
from anxin.parts.choices import AlertReason, CodeState, MoveKind, ReservationState, ReturnState
from anxin.parts.models import Part, PartCode, PartCodeAlert, PartInstallation, PartReturn, StockReservation
from anxin.parts.permissions import CODES, INSTALL, RETURN_RECEIVE, RETURN_SHIP
from anxin.parts.services.stock import reservation_settle, stock_move_record
from anxin.workorders.models import WorkOrder

CODE_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # Crockford base32: no I, L, O, U to misread
CODE_PATTERN = re.compile(r"[A-Z0-9][A-Z0-9-]{5,63}")
MAX_BATCH = 5_000
SERIAL_PATTERN = re.compile(r"[\w./-]{1,64}")


def code_normalise(raw: str) -> str:
    """What a scanner or a thumb produces, as stored: upper case, no spaces."""
    return re.sub(r"\s+", "", raw).upper()


def code_generate(*, brand_code: str) -> str:
    """``LECH-7K3M-9XQ2-PA4T``: a brand prefix and 60 random bits, too many to guess a valid code."""
    prefix = re.sub(r"[^A-Z0-9]", "", brand_code.upper())[:4] or "PC"
    body = "".join(secrets.choice(CODE_ALPHABET) for _ in range(12))
    return f"{prefix}-{body[:4]}-{body[4:8]}-{body[8:]}"


@transaction.atomic
def part_codes_issue(
    *, part: Part, actor: User, quantity: int = 0, codes: Iterable[str] = (), batch: str = ""
) -> list[PartCode]:
    """Issue codes for a serialised part: ``quantity`` new random codes, or the brand's own ``codes``
    (each ``CODE_PATTERN``; a code already issued anywhere is refused, naming it)."""
    require(actor, CODES, part)
    if not part.serialised:
        raise ValidationFailed(gettext("该配件不是序列号管理配件"), field="part", code="part_not_serialised")
    given = [code_normalise(c) for c in codes]
    if not 1 <= (len(given) or quantity) <= MAX_BATCH or (given and quantity):
        raise ValidationFailed(
            gettext("请给出 1 到 %(max)s 个防伪码，或要生成的数量（二选一）") % {"max": MAX_BATCH},
            field="quantity",
            code="invalid_quantity",
        )
    for position, code in enumerate(given, start=1):
        if not CODE_PATTERN.fullmatch(code):
            raise ValidationFailed(
                gettext("第 %(n)s 个防伪码格式不对（6–64 位字母、数字或 -）") % {"n": position},
                field=f"codes[{position}]",
                code="invalid_code",
            )
    if len(set(given)) != len(given):
        raise ValidationFailed(gettext("防伪码有重复"), field="codes", code="duplicate_code")
    wanted = given or [code_generate(brand_code=part.brand.code) for _ in range(quantity)]
    taken = set(PartCode.objects.filter(code__in=wanted).values_list("code", flat=True))
    if taken:
        raise Conflict(
            gettext("防伪码已签发过：%(codes)s") % {"codes": ", ".join(sorted(taken)[:5])},
            field="codes",
            code="code_exists",
        )
    rows = [
        PartCode(code=c, brand_id=part.brand_id, part=part, batch=batch[:40], issued_by=actor) for c in wanted
    ]
    return PartCode.objects.bulk_create(rows)


def _technician_of(user: User) -> Technician | None:
    return Technician.objects.filter(user_id=user.pk).first()


def _flag(*, order: WorkOrder, part: Part, code: str, reason: AlertReason, actor: User) -> DomainError:
    """Write the alert for the part's brand now, and return the refusal to raise."""
    with transaction.atomic():
        PartCodeAlert.objects.create(
            brand_id=part.brand_id, part=part, order=order, technician=_technician_of(actor), actor=actor,
            code=code[:64], reason=reason,
        )  # fmt: skip
    messages = {
        AlertReason.UNKNOWN: gettext("防伪码 %(code)s 不存在：可能不是原厂配件，已通知品牌"),
        AlertReason.MISMATCH: gettext("防伪码 %(code)s 不属于配件 %(part)s：已通知品牌"),
        AlertReason.USED: gettext("防伪码 %(code)s 已被安装过，不能再用：已通知品牌"),
    }
    detail = messages[reason] % {"code": code[:64], "part": part.part_number}
    error_class = Conflict if reason == AlertReason.USED else ValidationFailed
    return error_class(detail, field="code", code=str(reason))


def part_code_verify(*, order: WorkOrder, part: Part, code: str, actor: User) -> PartCode:
    """The code belongs to this part of this brand and was never installed; else a DomainError
    ``part_code_unknown`` / ``part_code_mismatch`` (422) / ``part_code_used`` (409), flagged to the brand.
    Not atomic on purpose (see the module docstring): call it outside a transaction."""
    require(actor, INSTALL, order)
    code = code_normalise(code)
    if not code:
        raise ValidationFailed(gettext("请扫描或输入配件上的防伪码"), field="code", code="part_code_required")
    found = PartCode.objects.filter(code=code).first() if len(code) <= 64 else None
    if found is None:
        raise _flag(order=order, part=part, code=code, reason=AlertReason.UNKNOWN, actor=actor)
    if found.part_id != part.pk or found.brand_id != part.brand_id:
        raise _flag(order=order, part=part, code=code, reason=AlertReason.MISMATCH, actor=actor)
    if found.state != CodeState.ISSUED:
        raise _flag(order=order, part=part, code=code, reason=AlertReason.USED, actor=actor)
    return found


def _removed_serial_clean(removed_serial: str) -> str:
    serial = removed_serial.strip()
    if serial and not SERIAL_PATTERN.fullmatch(serial):
        raise ValidationFailed(
            gettext("旧件序列号只能包含字母、数字和 -./_，最多 64 位"),
            field="removed_serial",
            code="invalid_serial",
        )
    return serial


def part_install(
    *, reservation: StockReservation, actor: User, code: str = "", removed_serial: str = ""
) -> PartInstallation:
    """Install a reserved part: verify its code (serialised parts), consume the reservation, record the
    removed part's serial, and open a pending return when the brand wants the old part back."""
    order = reservation.order
    require(actor, INSTALL, order)
    serial = _removed_serial_clean(removed_serial)
    if reservation.state != ReservationState.RESERVED:
        raise Conflict(gettext("该预留已安装或已释放"), field="reservation", code="reservation_settled")
    part_code = None
    if reservation.part.serialised:
        part_code = part_code_verify(order=order, part=reservation.part, code=code, actor=actor)
    try:
        return _install_write(reservation=reservation, part_code=part_code, serial=serial, actor=actor)
    except IntegrityError as exc:  # the same code installed by someone else a moment ago
        if part_code is None:
            raise
        raise _flag(
            order=order, part=reservation.part, code=part_code.code, reason=AlertReason.USED, actor=actor
        ) from exc


@transaction.atomic
def _install_write(
    *, reservation: StockReservation, part_code: PartCode | None, serial: str, actor: User
) -> PartInstallation:
    reservation_settle(reservation=reservation, state=ReservationState.CONSUMED)
    stock_move_record(
        location=reservation.location, part=reservation.part, kind=MoveKind.CONSUME,
        on_hand_delta=-reservation.quantity, reserved_delta=-reservation.quantity, actor=actor,
        order=reservation.order, reservation=reservation,
    )  # fmt: skip
    if part_code is not None:
        used = PartCode.objects.filter(pk=part_code.pk, state=CodeState.ISSUED).update(
            state=CodeState.INSTALLED
        )
        if used != 1:
            raise IntegrityError("part code installed concurrently")
    installation = PartInstallation.objects.create(
        order=reservation.order, part=reservation.part, reservation=reservation, quantity=reservation.quantity,
        code=part_code, removed_serial=serial, installed_by=actor,
    )  # fmt: skip
    if reservation.part.return_required:
        PartReturn.objects.create(
            installation=installation, brand_id=reservation.part.brand_id, part=reservation.part,
            order=reservation.order, removed_serial=serial,
        )  # fmt: skip
    return installation


@transaction.atomic
def part_return_ship(*, part_return: PartReturn, actor: User, tracking_number: str = "") -> PartReturn:
    """The service point sent the removed part to the brand (pending → shipped)."""
    require(actor, RETURN_SHIP, part_return)
    now = timezone.now()
    moved = PartReturn.objects.filter(pk=part_return.pk, state=ReturnState.PENDING).update(
        state=ReturnState.SHIPPED,
        shipped_at=now,
        shipped_by=actor,
        tracking_number=tracking_number.strip()[:40],
    )
    if moved != 1:
        raise Conflict(gettext("该旧件不是待寄回状态"), field="state", code="return_not_pending")
    part_return.refresh_from_db()
    return part_return


@transaction.atomic
def part_return_receive(*, part_return: PartReturn, actor: User) -> PartReturn:
    """The brand has the removed part (shipped → received)."""
    require(actor, RETURN_RECEIVE, part_return)
    moved = PartReturn.objects.filter(pk=part_return.pk, state=ReturnState.SHIPPED).update(
        state=ReturnState.RECEIVED, received_at=timezone.now(), received_by=actor
    )
    if moved != 1:
        raise Conflict(gettext("该旧件尚未寄出或已签收"), field="state", code="return_not_shipped")
    part_return.refresh_from_db()
    return part_return

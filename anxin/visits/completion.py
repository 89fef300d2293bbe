"""What completing a visit requires, and the transition guards that enforce it on every path.

The rules (issue #12, docs/visits.md "Completion"):

* a repair (COMPLETE from ``in_repair``) needs the inspection checklist completed (when one exists for the
  device), the diagnosis, an after-photo (and a before-photo when the customer pays), the parts settled
  (every reservation installed or released), the price settled (quote approved, or in warranty) and the
  customer's sign-off (signature, or the recorded reason why not);
* a visit ending on a declined quote (COMPLETE from ``awaiting_approval``) needs only the checklist, the
  diagnosis and the decline itself: nothing was repaired, so there is no after-photo, no part and no
  sign-off of a repair; the decline is the customer's answer on record.

The guards are registered from ``VisitsConfig.ready()`` with ``workorders.guards`` so the completion
page, the API, the phone card's step buttons and any command all meet the same 409 naming what is missing.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _

from anxin.accounts.models import User
from anxin.core.exceptions import Conflict
from anxin.parts.selectors import order_parts_settled
from anxin.pricing.choices import PriceState
from anxin.pricing.selectors import approval_valid, order_price_state, quote_current
from anxin.visits.choices import PhotoRole, VisitKind
from anxin.visits.models import SignOff
from anxin.visits.selectors import diagnosis_of, inspection_latest, photos_of, templates_for_order
from anxin.workorders.choices import Event, Status
from anxin.workorders.models import WorkOrder


@dataclass(frozen=True)
class Requirement:
    """One condition of completion: ``key`` for code and tests, ``label`` for people, ``met``."""

    key: str
    label: str
    met: bool


def _checklist_needed(order: WorkOrder) -> bool:
    return any(t.kind == VisitKind.INSPECTION for t in templates_for_order(order=order))


def _paid(order: WorkOrder) -> bool:
    quote = quote_current(order)
    answer = approval_valid(quote) if quote is not None else None
    return answer is not None and answer.decision == "approved" and answer.total > 0


def signoff_current(order: WorkOrder) -> SignOff | None:
    """The sign-off of this completion: the latest one recorded after the order was last reopened."""
    signoffs = SignOff.objects.filter(order=order)
    reopened = order.events.filter(event=Event.REOPEN).order_by("-created_at").first()
    if reopened is not None:
        signoffs = signoffs.filter(signed_at__gt=reopened.created_at)
    return signoffs.order_by("-signed_at", "-pk").first()


def completion_requirements(order: WorkOrder, *, include_signoff: bool = True) -> list[Requirement]:
    """Every requirement of completing ``order`` from its current status, met or not (the page ticks them).

    ``include_signoff=False`` lists what must be done before the customer is asked to sign.
    """
    roles = {photo.role for photo in photos_of(order=order)}
    checklist_done = inspection_latest(order=order, kind=VisitKind.INSPECTION) is not None
    requirements = [
        Requirement("checklist", _("上门检测清单已完成"), checklist_done or not _checklist_needed(order)),
        Requirement("diagnosis", _("已记录诊断"), diagnosis_of(order=order) is not None),
    ]
    state = order_price_state(order)
    if order.status == Status.AWAITING_APPROVAL:  # the declined-quote path: nothing was repaired
        requirements.append(Requirement("decline", _("客户拒绝报价已记录"), state == PriceState.DECLINED))
        return requirements
    if _paid(order):
        requirements.append(Requirement("before_photo", _("维修前照片"), PhotoRole.BEFORE in roles))
    requirements += [
        Requirement("after_photo", _("维修后照片"), PhotoRole.AFTER in roles),
        Requirement("parts", _("预留配件已安装或已释放"), order_parts_settled(order)),
        Requirement(
            "approval",
            _("客户已同意报价或保内免费"),
            state in (PriceState.APPROVED, PriceState.IN_WARRANTY),
        ),
    ]
    if include_signoff:
        requirements.append(
            Requirement("signoff", _("客户签字确认（或记录未签原因）"), signoff_current(order) is not None)
        )
    return requirements


def completion_missing(order: WorkOrder, *, include_signoff: bool = True) -> list[Requirement]:
    """What still stands between the order and its completion (empty: it may be completed)."""
    return [r for r in completion_requirements(order, include_signoff=include_signoff) if not r.met]


def missing_refuse(missing: list[Requirement], *, code: str = "completion_incomplete") -> None:
    if missing:
        raise Conflict(
            _("完工前还需要：%(items)s") % {"items": "、".join(r.label for r in missing)},
            code=code,
            field=",".join(r.key for r in missing),
        )


# --- transition guards -------------------------------------------------------------------------------


def complete_guard(order: WorkOrder, actor: User | None) -> None:
    """COMPLETE: everything above (409 ``completion_incomplete``, field = the missing keys)."""
    del actor
    missing_refuse(completion_missing(order))


def diagnose_guard(order: WorkOrder, actor: User | None) -> None:
    """DIAGNOSE only through the diagnosis (which itself needs the checklist): no bare status button."""
    del actor
    if diagnosis_of(order=order) is None:
        raise Conflict(_("请在上门服务页完成检测并记录诊断"), code="diagnosis_required", field="diagnosis")


def start_repair_guard(order: WorkOrder, actor: User | None) -> None:
    """START_REPAIR only with the price settled: the customer approved the quote, or it is in warranty."""
    del actor
    if order_price_state(order) not in (PriceState.APPROVED, PriceState.IN_WARRANTY):
        raise Conflict(_("开始维修前需客户同意报价（或判定为保内）"), code="approval_required", field="quote")

"""The visit's steps in the order the technician works through them, each with where it stands, for the
visit hub (/visits/<number>/). Reads only: every step's own page does the work."""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _

from anxin.parts.selectors import order_parts_settled, order_parts_used
from anxin.pricing.choices import PriceState
from anxin.pricing.selectors import order_price_state
from anxin.visits import selectors
from anxin.visits.choices import InspectionStatus
from anxin.workorders.choices import Status
from anxin.workorders.models import WorkOrder

DONE, DOING, TODO, OPTIONAL = "done", "doing", "todo", "optional"
FINISHED_STATUSES = frozenset({Status.COMPLETED, Status.FOLLOWED_UP, Status.CLOSED})


@dataclass(frozen=True)
class Step:
    key: str
    label: str
    state: str  # done / doing / todo / optional: the hub's badge and which step is next
    note: str  # what stands behind the state, in a few words
    url: str  # empty while the step's page does not exist (completion comes from another branch)


def _state_label(state: str) -> str:
    return {DONE: _("已完成"), DOING: _("进行中"), TODO: _("待办"), OPTIONAL: _("可选")}[state]


def _checklist(order: WorkOrder) -> Step:
    inspections = list(selectors.inspections_of(order=order))
    if any(i.status == InspectionStatus.IN_PROGRESS for i in inspections):
        state = DOING
    else:
        state = DONE if inspections else TODO
    done = sum(1 for i in inspections if i.status == InspectionStatus.COMPLETED)
    note = _("已完成 %(n)s 项检测") % {"n": done} if done else _state_label(state)
    return Step("checklist", _("检测清单"), state, note, reverse("visits:checklist", args=[order.number]))


def _diagnosis(order: WorkOrder) -> Step:
    photos = selectors.photos_of(order=order).count()
    diagnosed = selectors.diagnosis_of(order=order) is not None
    state = DONE if diagnosed else (DOING if photos else TODO)
    note = _("诊断%(d)s · 照片 %(n)s 张") % {"d": _("已保存") if diagnosed else _("未保存"), "n": photos}
    return Step("diagnosis", _("诊断与照片"), state, note, reverse("visits:diagnosis", args=[order.number]))


def _parts(order: WorkOrder) -> Step:
    installed = len(order_parts_used(order))
    settled = order_parts_settled(order)
    state = DOING if not settled else (DONE if installed else OPTIONAL)
    note = _("已安装 %(n)s 件") % {"n": installed} if installed else _("不换件可跳过")
    if not settled:
        note = _("有未处理的预留")
    return Step("parts", _("配件"), state, note, reverse("parts:order_parts", args=[order.number]))


def _quote(order: WorkOrder) -> Step:
    price = order_price_state(order)
    if price in (PriceState.APPROVED, PriceState.IN_WARRANTY, PriceState.DECLINED):
        state = DONE
    else:
        state = DOING if price in (PriceState.DRAFT, PriceState.AWAITING) else TODO
    return Step(
        "quote",
        _("报价与客户确认"),
        state,
        str(price.label),
        reverse("pricing:order_quote", args=[order.number]),
    )


def _completion(order: WorkOrder) -> Step:
    try:  # the sign-off page is another branch's; until it exists the step shows without a link
        url = reverse("visits:complete", args=[order.number])
    except NoReverseMatch:
        url = ""
    state = DONE if order.status in FINISHED_STATUSES else TODO
    return Step("completion", _("完工签字"), state, _state_label(state), url)


def visit_steps(order: WorkOrder) -> list[Step]:
    return [_checklist(order), _diagnosis(order), _parts(order), _quote(order), _completion(order)]


def next_step(steps: list[Step]) -> Step | None:
    """The first step still to do that has a page: the hub's one primary action (parts are optional)."""
    return next((s for s in steps if s.state in (DOING, TODO) and s.url), None)

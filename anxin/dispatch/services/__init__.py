"""Dispatch writes: day plans, the offer loop, reassign and pin, technician status, customer slots.

Why some services are not one ``@transaction.atomic`` block: planning runs the solver (up to
``ANXIN_PLAN_TIME_LIMIT_S`` seconds) and must not hold a write transaction meanwhile (on SQLite
that would block every writer). Those services compute first, outside any transaction, then
write in a short atomic step that re-checks what it read (conditional updates, row locks).
Every status change still goes through ``workorders.services.workorder_transition``.

Modules (each imports the ones it needs directly, never this package):

- ``problem``: travel network, the days an order may be planned on, time limits, on-commit hook
- ``plans``: compute (guarded solver, greedy floor), store and refresh day plans
- ``offers``: the offer loop, escalation, and the dispatcher's reassign / pin / unpin
- ``technicians``: location, live status (off releases his jobs), visit steps
- ``slots``: customer self-scheduling (windows the plan can keep, booking one)
- ``sweep``: the worker's minute sweep over lapsed offers, the outbox and overruns
- ``board``: the dispatcher board snapshot and its map

Callers use ``from anxin.dispatch import services; services.NAME``. To replace a name in a test,
patch it where it is looked up: in the defining module when other services call it
(``services.plans.plan_day``), here when only outside callers such as ``tasks`` use it.
"""

from anxin.dispatch.services.board import (
    SUGGEST_LIMIT,
    Board,
    BoardOrder,
    BoardStop,
    BoardTechnician,
    board_snapshot,
)
from anxin.dispatch.services.offers import (
    REASSIGNABLE_STATUSES,
    Candidate,
    dispatch_escalate,
    dispatch_pin,
    dispatch_reassign,
    dispatch_unpin,
    offer_accept,
    offer_candidates,
    offer_decline,
    offer_expire,
    offer_for_new_order,
    offer_next,
    offers_expire_due,
)
from anxin.dispatch.services.plans import (
    guarded_solver,
    plan_compute,
    plan_current,
    plan_refresh,
    plan_refresh_later,
    plan_without,
)
from anxin.dispatch.services.problem import OFFER_LOOKAHEAD_DAYS, network_for, offer_timeout, plan_time_limit
from anxin.dispatch.services.slots import (
    SLOT_DAYS,
    SLOT_LEAD_MINUTES,
    SLOT_MINUTES,
    SLOT_STATUSES,
    SlotOption,
    slot_choose,
    slot_windows,
    slots_for_order,
)
from anxin.dispatch.services.sweep import OUTBOX, REPLAN_EVENTS, dispatch_sweep, offers_consistency_check
from anxin.dispatch.services.technicians import (
    technician_order_advance,
    technician_status_set,
    technician_task_cards,
    technicians_back_on_duty,
)

__all__ = [
    # problem
    "OFFER_LOOKAHEAD_DAYS",
    "network_for",
    "offer_timeout",
    "plan_time_limit",
    # plans
    "guarded_solver",
    "plan_compute",
    "plan_current",
    "plan_refresh",
    "plan_refresh_later",
    "plan_without",
    # offers
    "REASSIGNABLE_STATUSES",
    "Candidate",
    "dispatch_escalate",
    "dispatch_pin",
    "dispatch_reassign",
    "dispatch_unpin",
    "offer_accept",
    "offer_candidates",
    "offer_decline",
    "offer_expire",
    "offer_for_new_order",
    "offer_next",
    "offers_expire_due",
    # technicians
    "technician_order_advance",
    "technician_status_set",
    "technicians_back_on_duty",
    "technician_task_cards",
    # slots
    "SLOT_DAYS",
    "SLOT_LEAD_MINUTES",
    "SLOT_MINUTES",
    "SLOT_STATUSES",
    "SlotOption",
    "slot_choose",
    "slot_windows",
    "slots_for_order",
    # sweep
    "OUTBOX",
    "REPLAN_EVENTS",
    "dispatch_sweep",
    "offers_consistency_check",
    # board
    "SUGGEST_LIMIT",
    "Board",
    "BoardOrder",
    "BoardStop",
    "BoardTechnician",
    "board_snapshot",
]

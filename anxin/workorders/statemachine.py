"""The one state machine every work order moves through.

The table is the single source of truth; the `transitions` library evaluates it
(read-only: we ask it which transition an event triggers from a state, we never
attach machine state to model instances). Who may fire which event is decided
in workorders/permissions.py (one action per event).
"""

from __future__ import annotations

from transitions import Machine

from anxin.workorders.choices import TRANSITION_EVENTS, Event, Status

S = Status
_ACTIVE_BEFORE_REPAIR = [
    S.RECEIVED,
    S.ACCEPTED,
    S.DISPATCHED,
    S.TECHNICIAN_ACCEPTED,
    S.EN_ROUTE,
    S.ON_SITE,
    S.DIAGNOSED,
    S.AWAITING_APPROVAL,
    S.REOPENED,
]

TRANSITIONS: list[dict[str, object]] = [
    {"trigger": Event.ACCEPT, "source": [S.RECEIVED, S.REOPENED], "dest": S.ACCEPTED},
    {"trigger": Event.DISPATCH, "source": S.ACCEPTED, "dest": S.DISPATCHED},
    {"trigger": Event.TECHNICIAN_ACCEPT, "source": S.DISPATCHED, "dest": S.TECHNICIAN_ACCEPTED},
    {
        "trigger": Event.TECHNICIAN_DECLINE,
        "source": [S.DISPATCHED, S.TECHNICIAN_ACCEPTED],
        "dest": S.ACCEPTED,
    },
    # The dispatcher or the system takes the job back (reassignment, unanswered offer, technician off sick).
    {"trigger": Event.WITHDRAW, "source": [S.DISPATCHED, S.TECHNICIAN_ACCEPTED], "dest": S.ACCEPTED},
    {"trigger": Event.DEPART, "source": S.TECHNICIAN_ACCEPTED, "dest": S.EN_ROUTE},
    {"trigger": Event.ARRIVE, "source": S.EN_ROUTE, "dest": S.ON_SITE},
    {"trigger": Event.DIAGNOSE, "source": S.ON_SITE, "dest": S.DIAGNOSED},
    {"trigger": Event.REQUEST_APPROVAL, "source": S.DIAGNOSED, "dest": S.AWAITING_APPROVAL},
    # In-warranty repairs need no quote: straight from diagnosis to repair.
    {"trigger": Event.START_REPAIR, "source": [S.DIAGNOSED, S.AWAITING_APPROVAL], "dest": S.IN_REPAIR},
    # A declined quote also ends the visit: completed without repair (the note says why).
    {"trigger": Event.COMPLETE, "source": [S.IN_REPAIR, S.AWAITING_APPROVAL], "dest": S.COMPLETED},
    {"trigger": Event.FOLLOW_UP, "source": S.COMPLETED, "dest": S.FOLLOWED_UP},
    {"trigger": Event.CLOSE, "source": [S.FOLLOWED_UP, S.CANCELLED], "dest": S.CLOSED},
    {"trigger": Event.CANCEL, "source": _ACTIVE_BEFORE_REPAIR, "dest": S.CANCELLED},
    {
        "trigger": Event.REOPEN,
        "source": [S.COMPLETED, S.FOLLOWED_UP, S.CLOSED, S.CANCELLED],
        "dest": S.REOPENED,
    },
]

_machine = Machine(
    model=None,
    states=[s.value for s in Status],
    transitions=[
        {
            "trigger": str(t["trigger"]),
            "source": [str(s) for s in t["source"]] if isinstance(t["source"], list) else str(t["source"]),
            "dest": str(t["dest"]),
        }
        for t in TRANSITIONS
    ],
    initial=Status.RECEIVED.value,
    auto_transitions=False,
)


def next_status(current: str, event: str) -> str | None:
    """The status `event` leads to from `current`, or None when the machine has no such transition."""
    # str(): TextChoices members hash by name, so they must not be used as dict keys here.
    found = _machine.get_transitions(trigger=str(event), source=str(current))
    return found[0].dest if found else None


def events_from(current: str) -> list[str]:
    return [e.value for e in TRANSITION_EVENTS if next_status(current, e.value) is not None]

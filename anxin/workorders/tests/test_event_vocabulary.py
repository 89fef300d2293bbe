"""One event vocabulary: every timeline event name is an ``Event`` member, never a bare string."""

import ast
from pathlib import Path

from anxin.workorders.choices import TRANSITION_EVENTS, Event
from anxin.workorders.models import WorkOrderEvent
from anxin.workorders.statemachine import TRANSITIONS

ANXIN = Path(__file__).resolve().parents[2]
EVENT_NAMES = set(Event.values)


def _runtime_sources():
    for path in sorted(ANXIN.rglob("*.py")):
        if "tests" in path.parts or "migrations" in path.parts:
            continue
        yield path, ast.parse(path.read_text(encoding="utf-8"), filename=str(path))


def _bare_event_names(tree):
    """`event="…"` keywords and string literals naming an event inside `*EVENTS*`/`*STEPS*` collections."""
    for node in ast.walk(tree):
        if isinstance(node, ast.keyword) and node.arg in {"event", "event__in"}:
            values = (
                node.value.elts if isinstance(node.value, ast.List | ast.Set | ast.Tuple) else [node.value]
            )
            for value in values:
                if isinstance(value, ast.Constant) and isinstance(value.value, str):
                    yield node.lineno, value.value
        if isinstance(node, ast.Assign) and any(
            isinstance(t, ast.Name) and ("EVENTS" in t.id or "STEPS" in t.id) for t in node.targets
        ):
            for leaf in ast.walk(node.value):
                if isinstance(leaf, ast.Constant) and leaf.value in EVENT_NAMES:
                    yield node.lineno, leaf.value


def test_no_runtime_module_names_an_event_with_a_bare_string():
    found = [
        f"{path.relative_to(ANXIN.parent)}:{line}: {name!r}"
        for path, tree in _runtime_sources()
        for line, name in _bare_event_names(tree)
    ]
    assert found == [], "use anxin.workorders.choices.Event instead:\n" + "\n".join(found)


def test_the_transitions_are_exactly_the_state_machine_triggers():
    assert {str(t["trigger"]) for t in TRANSITIONS} == {e.value for e in TRANSITION_EVENTS}


def test_every_event_name_fits_the_timeline_column():
    width = WorkOrderEvent._meta.get_field("event").max_length
    assert width is not None
    assert all(len(value) <= width for value in Event.values)


def test_stored_names_are_unchanged():
    # Existing rows and outbox readers match on these strings: renaming one is a data migration.
    assert {
        Event.CREATED: "created",
        Event.LINKED_REQUEST: "linked_request",
        Event.APPOINTMENT_SET: "appointment_set",
        Event.CUSTOMER_CONTACTED: "customer_contacted",
        Event.SLA_PAUSED: "sla_paused",
        Event.SLA_RESUMED: "sla_resumed",
        Event.DISPATCH_ESCALATED: "dispatch_escalated",
        Event.DISPATCH_PINNED: "dispatch_pinned",
        Event.DISPATCH_UNPINNED: "dispatch_unpinned",
        Event.CORRECTED: "corrected",
        Event.COVERAGE_FOUND: "coverage_found",
        Event.REPORT_ISSUED: "report_issued",
        Event.VIDEO_RECORDED: "video_recorded",
    } == {member: member.value for member in Event if member not in TRANSITION_EVENTS}


def test_no_template_compares_an_event_with_a_literal():
    import re

    compared = re.compile(r"\.event\s*==\s*[\"']")
    templates = [*ANXIN.rglob("*.html"), *(ANXIN.parent / "templates").rglob("*.html")]
    assert [str(p) for p in templates if compared.search(p.read_text(encoding="utf-8"))] == []

"""Live video actions in the permission table (docs/security.md).

The order's technician streams and records; whoever may see the order watches (and its recordings
later); only its customer answers the recording consent. Scopes are the order's (``order_in_scope``).
A customer's tracking link stands for the customer, as on every customer page.
"""

from __future__ import annotations

from anxin.accounts.permissions import ADM, ALL, BRAND, BS, OWN, A, C, D, T, action_declare
from anxin.workorders.permissions import order_in_scope

VIDEO_WATCH = action_declare(
    "live.video_watch",
    "watch the visit's live video and its kept recordings",
    {A: ALL, D: ALL, ADM: ALL, T: OWN, BS: BRAND, C: OWN},
    in_scope=order_in_scope,
)
VIDEO_PUBLISH = action_declare(
    "live.video_publish",
    "stream the visit from the phone's camera and upload its recording",
    {T: OWN},
    in_scope=order_in_scope,
)
VIDEO_CONSENT = action_declare(
    "live.video_consent",
    "consent (or not) to the visit's video being recorded",
    {C: OWN},
    in_scope=order_in_scope,
)

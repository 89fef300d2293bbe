"""The admin site: Unfold's, with the apps in the order back-office people work through them."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from unfold.sites import UnfoldAdminSite

# Orders first, then who serves them, the network, customers and their claims, the reference data, accounts;
# the system's own tables (audit, jobs) last. Apps not listed follow, alphabetically.
APP_ORDER = (
    "workorders",
    "sla",
    "intake",
    "dispatch",
    "visits",
    "reports",
    "network",
    "customers",
    "evidence",
    "catalog",
    "parts",
    "pricing",
    "areas",
    "accounts",
    "auth",
    "core",
    "notifications",
)


def app_position(app: dict[str, Any]) -> tuple[int, str]:
    label = app["app_label"]
    return (APP_ORDER.index(label) if label in APP_ORDER else len(APP_ORDER), str(app["name"]))


class AnxinAdminSite(UnfoldAdminSite):
    def get_app_list(self, request: HttpRequest, app_label: str | None = None) -> list[dict[str, Any]]:
        # Django sorts apps by name, which in Chinese is by code point: 售后 before 工单, 账户 before 派单.
        return sorted(super().get_app_list(request, app_label), key=app_position)

from django.db import models
from django.utils.translation import gettext_lazy as _

# The outbox kick a coverage change sends (anxin.core.outbox): readers register for it.
COVERAGE_CHANGED = "coverage_changed"


class TechnicianStatus(models.TextChoices):
    """What the technician is doing right now (set from the phone, or by the visit's events)."""

    AVAILABLE = "available", _("空闲")
    EN_ROUTE = "en_route", _("在途")
    ON_SITE = "on_site", _("在现场")
    OFF = "off", _("休息/下班")


class CoverageOutcome(models.TextChoices):
    """What a coverage lookup found for an order's address."""

    COVERED = "covered", _("在服务范围内")
    OUT_OF_COVERAGE = "out_of_coverage", _("超出服务范围")
    UNRESOLVED = "unresolved", _("地址无法识别到区县")

from django.db import models
from django.utils.translation import gettext_lazy as _


class DivisionLevel(models.IntegerChoices):
    PROVINCE = 1, _("省级")
    PREFECTURE = 2, _("地级")
    COUNTY = 3, _("县级")
    TOWNSHIP = 4, _("乡级")


class CoverageOutcome(models.TextChoices):
    """What a coverage lookup found for an order's address."""

    COVERED = "covered", _("在服务范围内")
    OUT_OF_COVERAGE = "out_of_coverage", _("超出服务范围")
    UNRESOLVED = "unresolved", _("地址无法识别到区县")

from __future__ import annotations

from django.db import models

from anxin.areas.choices import DivisionLevel
from anxin.core.models import TimestampedModel


class CoverageArea(TimestampedModel):
    """One division a service point covers, or with ``exclude`` carves out of a larger one it covers.

    Divisions themselves are packaged data (``anxin.areas.tree``), so ``division_code`` is a code, not a foreign
    key. The most specific entry wins: covering 达州市 but excluding 通川区 leaves 通川区 out, and including one
    township of 通川区 puts that township back in.
    """

    service_point = models.ForeignKey(
        "dispatch.ServicePoint", on_delete=models.CASCADE, related_name="coverage"
    )
    division_code = models.CharField(max_length=9)
    level = models.PositiveSmallIntegerField(choices=DivisionLevel.choices)
    name_path = models.CharField(max_length=120, help_text="names at import time, e.g. 四川省/达州市/通川区")
    exclude = models.BooleanField(default=False)
    source_text = models.CharField(max_length=100, blank=True, help_text="the pasted text this came from")

    class Meta:
        ordering = ["division_code"]
        constraints = [
            models.UniqueConstraint(
                fields=["service_point", "division_code"], name="uniq_coverage_per_point"
            ),
        ]
        indexes = [models.Index(fields=["division_code"], name="areas_coverage_code_idx")]

    def __str__(self) -> str:
        sign = "−" if self.exclude else "+"
        return f"{self.service_point_id} {sign}{self.name_path}"

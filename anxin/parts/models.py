from __future__ import annotations

from decimal import Decimal

from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from anxin.catalog.models import Brand, ProductModel
from anxin.core.i18n import localized_name
from anxin.core.models import TimestampedModel


class Part(TimestampedModel):
    """A genuine spare part in a brand's catalogue (原厂配件), priced at the brand's list price."""

    brand = models.ForeignKey(Brand, on_delete=models.PROTECT, related_name="parts", verbose_name=_("品牌"))
    part_number = models.CharField(max_length=40, verbose_name=_("配件编号"))
    name = models.CharField(max_length=120, verbose_name=_("名称"))
    name_en = models.CharField(_("英文名称"), max_length=120, blank=True, db_default="")
    compatible_models = models.ManyToManyField(
        ProductModel, blank=True, related_name="parts", verbose_name=_("适用型号")
    )
    list_price = models.DecimalField(
        max_digits=10,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0"))],
        verbose_name=_("指导价（元）"),
    )
    serialised = models.BooleanField(
        default=False,
        verbose_name=_("序列号管理"),
        help_text=_("每件配件带有品牌签发的防伪码，安装时必须扫码"),
    )
    return_required = models.BooleanField(
        default=False, verbose_name=_("旧件返厂"), help_text=_("换下的旧件须寄回品牌")
    )
    active = models.BooleanField(default=True, verbose_name=_("启用"))

    class Meta:
        ordering = ["brand__name", "part_number"]
        verbose_name = _("配件")
        verbose_name_plural = _("配件")
        constraints = [
            models.UniqueConstraint(fields=["brand", "part_number"], name="uniq_part_number_per_brand")
        ]

    def __str__(self) -> str:
        return f"{self.part_number} {localized_name(self.name, self.name_en)}"

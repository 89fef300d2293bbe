from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from anxin.core.i18n import localized_name
from anxin.core.models import TimestampedModel


class Brand(TimestampedModel):
    """An appliance brand whose after-sales service runs on Anxin."""

    code = models.SlugField(max_length=40, unique=True, verbose_name=_("编码"))
    name = models.CharField(max_length=60, unique=True, verbose_name=_("名称"))
    name_en = models.CharField(
        _("英文名称"),
        max_length=60,
        blank=True,
        db_default="",
        help_text=_("语言为英文时显示；留空则显示中文名称"),
    )
    hotline = models.CharField(max_length=30, blank=True, verbose_name=_("服务热线"))
    hotline_24h = models.BooleanField(default=False, verbose_name=_("24 小时热线"))
    default_warranty_months = models.PositiveSmallIntegerField(default=12, verbose_name=_("默认保修期（月）"))

    class Meta:
        ordering = ["name"]
        verbose_name = _("品牌")
        verbose_name_plural = _("品牌")

    def __str__(self) -> str:
        return localized_name(self.name, self.name_en)


class ProductCategory(TimestampedModel):
    """A kind of appliance (消毒柜, 保险柜, 热水器); technician skills are per brand × category."""

    code = models.SlugField(max_length=40, unique=True, verbose_name=_("编码"))
    name = models.CharField(max_length=60, unique=True, verbose_name=_("名称"))
    name_en = models.CharField(
        _("英文名称"),
        max_length=60,
        blank=True,
        db_default="",
        help_text=_("语言为英文时显示；留空则显示中文名称"),
    )
    visit_minutes = models.PositiveSmallIntegerField(
        default=60, help_text="typical on-site time, for planning", verbose_name=_("上门作业时长（分钟）")
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("产品品类")
        verbose_name_plural = _("产品品类")

    def __str__(self) -> str:
        return localized_name(self.name, self.name_en)


class ProductModel(TimestampedModel):
    """A model a brand sells, e.g. 乐创 ZTP-108."""

    brand = models.ForeignKey(Brand, on_delete=models.PROTECT, related_name="models", verbose_name=_("品牌"))
    category = models.ForeignKey(
        ProductCategory, on_delete=models.PROTECT, related_name="models", verbose_name=_("品类")
    )
    code = models.CharField(max_length=60, verbose_name=_("型号"))
    name = models.CharField(max_length=120, verbose_name=_("名称"))
    warranty_months = models.PositiveSmallIntegerField(null=True, blank=True, verbose_name=_("保修期（月）"))

    class Meta:
        ordering = ["brand__name", "code"]
        verbose_name = _("产品型号")
        verbose_name_plural = _("产品型号")
        constraints = [models.UniqueConstraint(fields=["brand", "code"], name="uniq_model_code_per_brand")]

    def __str__(self) -> str:
        return f"{self.brand} {self.code}"


class FaultCode(TimestampedModel):
    """A fault a brand's technicians diagnose (E1 点火失败), per category and optionally per model.

    The brand maintains the table; diagnoses and the labour lines of the price list refer to it.
    """

    brand = models.ForeignKey(
        Brand, on_delete=models.PROTECT, related_name="fault_codes", verbose_name=_("品牌")
    )
    category = models.ForeignKey(
        ProductCategory, on_delete=models.PROTECT, related_name="fault_codes", verbose_name=_("品类")
    )
    product_model = models.ForeignKey(
        ProductModel,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="fault_codes",
        verbose_name=_("适用型号"),
        help_text=_("留空则适用于该品牌该品类的所有型号"),
    )
    code = models.CharField(max_length=20, verbose_name=_("故障代码"))
    name = models.CharField(max_length=120, verbose_name=_("名称"))
    name_en = models.CharField(_("英文名称"), max_length=120, blank=True, db_default="")
    description = models.TextField(blank=True, verbose_name=_("说明"))
    active = models.BooleanField(default=True, verbose_name=_("启用"))

    class Meta:
        ordering = ["brand__name", "category__name", "code"]
        verbose_name = _("故障代码")
        verbose_name_plural = _("故障代码")
        constraints = [
            models.UniqueConstraint(
                fields=["brand", "category", "code"], name="uniq_fault_code_per_brand_category"
            )
        ]

    def __str__(self) -> str:
        return f"{self.code} {localized_name(self.name, self.name_en)}"

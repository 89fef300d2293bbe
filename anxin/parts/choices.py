from django.db import models
from django.utils.translation import gettext_lazy as _


class LocationKind(models.TextChoices):
    WAREHOUSE = "warehouse", _("网点仓库")
    VAN = "van", _("技师车载库存")


class MoveKind(models.TextChoices):
    """Every way stock changes; each move is one ledger row per location it touches."""

    RECEIVE = "receive", _("品牌入库")
    TRANSFER_OUT = "transfer_out", _("调出")
    TRANSFER_IN = "transfer_in", _("调入")
    RESERVE = "reserve", _("为工单预留")
    RELEASE = "release", _("释放预留")
    CONSUME = "consume", _("安装消耗")
    RETURN_TO_BRAND = "return_to_brand", _("退回品牌")
    ADJUST = "adjust", _("盘点调整")


class ReservationState(models.TextChoices):
    RESERVED = "reserved", _("已预留")
    CONSUMED = "consumed", _("已安装")
    RELEASED = "released", _("已释放")


class CodeState(models.TextChoices):
    ISSUED = "issued", _("已签发")
    INSTALLED = "installed", _("已安装")


class AlertReason(models.TextChoices):
    """Why a scanned code was refused; the values are the DomainError codes of the refusal."""

    UNKNOWN = "part_code_unknown", _("防伪码不存在")
    MISMATCH = "part_code_mismatch", _("防伪码属于其他配件或品牌")
    USED = "part_code_used", _("防伪码已被安装过")


class ReturnState(models.TextChoices):
    PENDING = "pending", _("待寄回")
    SHIPPED = "shipped", _("已寄出")
    RECEIVED = "received", _("品牌已签收")

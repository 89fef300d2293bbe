from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    CUSTOMER = "customer", _("客户")
    AGENT = "agent", _("热线坐席")
    DISPATCHER = "dispatcher", _("调度员")
    TECHNICIAN = "technician", _("技师")
    BRAND_STAFF = "brand_staff", _("品牌售后")
    ADMIN = "admin", _("平台管理员")


# Roles that work across all brands' orders (the service company's own staff).
OPERATIONS_ROLES = {Role.AGENT, Role.DISPATCHER, Role.ADMIN}

from django.apps import AppConfig


class BackofficeConfig(AppConfig):
    """Staff pages that combine several apps (the order page shows its SLA clocks and technicians),
    so they sit above them in the layering; each app's own pages stay in that app."""

    name = "anxin.backoffice"
    verbose_name = "后台页面"

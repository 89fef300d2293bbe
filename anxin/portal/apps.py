from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "anxin.portal"
    label = "portal"

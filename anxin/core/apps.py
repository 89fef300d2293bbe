from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "anxin.core"
    label = "core"

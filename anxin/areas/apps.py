from django.apps import AppConfig


class AreasConfig(AppConfig):
    name = "anxin.areas"
    label = "areas"

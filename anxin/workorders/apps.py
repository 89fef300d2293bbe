from django.apps import AppConfig


class WorkordersConfig(AppConfig):
    name = "anxin.workorders"
    label = "workorders"

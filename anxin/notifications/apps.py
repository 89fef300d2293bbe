from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "anxin.notifications"
    label = "notifications"

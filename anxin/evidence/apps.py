from django.apps import AppConfig


class EvidenceConfig(AppConfig):
    name = "anxin.evidence"
    label = "evidence"

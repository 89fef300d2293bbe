from django.apps import AppConfig


class NetworkConfig(AppConfig):
    """Service points, their technicians (skills, shifts) and which divisions each point covers."""

    name = "anxin.network"
    label = "network"

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class UploadsConfig(AppConfig):
    """Resumable uploads (the tus protocol): a file arrives in chunks, survives dropped connections, and
    is handed to the app that asked for it (a visit photo, a video recording) once complete."""

    name = "anxin.uploads"
    label = "uploads"
    verbose_name = _("断点续传")

"""E-mails carry tracking links: the default backend keeps them out of the console log."""

from __future__ import annotations

from anxin import settings as base_settings


def test_the_default_mail_backend_writes_files_under_the_data_folder_not_the_console():
    assert base_settings.EMAIL_BACKEND == "django.core.mail.backends.filebased.EmailBackend"
    assert str(base_settings.EMAIL_FILE_PATH).startswith(str(base_settings.DATA_DIR))

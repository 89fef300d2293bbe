"""Test overlay: same settings, with jobs run inline and fast password hashing."""

import tempfile
from pathlib import Path

from anxin.settings import *  # noqa: F403
from anxin.settings import HUEY, HUEY_EVIDENCE

HUEY = {**HUEY, "immediate": True}
HUEY_EVIDENCE = {**HUEY_EVIDENCE, "immediate": True}
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# Fixed test keys (base64 of 32 bytes) so tests never touch the data folder's keyring.
ANXIN_ENCRYPTION_KEYS = "t1:" + "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY="
ANXIN_ACTIVE_KEY_ID = "t1"
ANXIN_BLIND_INDEX_KEY = "YmxpbmQtaW5kZXgta2V5LWZvci10ZXN0cy1vbmx5ISE="
ANXIN_PUBLIC_FORM_RATE = "1000/m"
ANXIN_PHONE_REQUEST_RATE = "1000/m"

# Never the data folder's reuse index; evidence tests get a fresh folder per test (conftest).
ANXIN_EVIDENCE_INDEX_DIR = Path(tempfile.mkdtemp(prefix="anxin-evidence-index-"))

"""Field-level encryption of customer data (AES-256-GCM) and blind indexes.

Stored form: ``v1:<key id>:<base64(nonce || ciphertext || tag)>``. The key id
travels with every value, so several keys can be live at once: new writes use
the active key, reads use whichever key the value names. That is what lets
``rotate_keys`` re-encrypt row by row while the site keeps serving.

The associated data binds a value to its column ("customers.Customer.phone"),
so a ciphertext copied into another column fails to decrypt.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import logging
import os
import secrets
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

logger = logging.getLogger("anxin.crypto")

PREFIX = "v1"
NONCE_BYTES = 12


class DecryptionError(Exception):
    pass


@dataclass(frozen=True)
class Keyring:
    keys: dict[str, bytes]
    active_key_id: str
    blind_index_key: bytes

    def encrypt(self, plaintext: str, *, context: str) -> str:
        nonce = os.urandom(NONCE_BYTES)
        sealed = AESGCM(self.keys[self.active_key_id]).encrypt(nonce, plaintext.encode(), context.encode())
        return f"{PREFIX}:{self.active_key_id}:{base64.b64encode(nonce + sealed).decode()}"

    def decrypt(self, stored: str, *, context: str) -> str:
        try:
            prefix, key_id, payload = stored.split(":", 2)
        except ValueError as exc:
            raise DecryptionError("value is not in the encrypted format") from exc
        if prefix != PREFIX or key_id not in self.keys:
            raise DecryptionError(f"unknown key id {key_id!r}")
        raw = base64.b64decode(payload)
        try:
            return (
                AESGCM(self.keys[key_id])
                .decrypt(raw[:NONCE_BYTES], raw[NONCE_BYTES:], context.encode())
                .decode()
            )
        except Exception as exc:  # InvalidTag: wrong key, wrong column or tampered value
            raise DecryptionError("value failed authentication") from exc

    def blind_index(self, normalized: str, *, context: str) -> str:
        """Deterministic HMAC-SHA256 of a normalized value, for equality lookups."""
        digest = hmac.new(self.blind_index_key, f"{context}:{normalized}".encode(), hashlib.sha256)
        return digest.hexdigest()

    @staticmethod
    def key_id_of(stored: str) -> str | None:
        parts = stored.split(":", 2)
        return parts[1] if len(parts) == 3 and parts[0] == PREFIX else None


def _decode_key(text: str, what: str) -> bytes:
    try:
        key = base64.b64decode(text, validate=True)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{what} is not valid base64") from exc
    if len(key) != 32:
        raise ImproperlyConfigured(f"{what} must decode to 32 bytes (AES-256), got {len(key)}")
    return key


def _parse_key_list(text: str) -> dict[str, bytes]:
    keys: dict[str, bytes] = {}
    for item in filter(None, (part.strip() for part in text.split(","))):
        key_id, _, encoded = item.partition(":")
        if not key_id or not encoded:
            raise ImproperlyConfigured("ANXIN_ENCRYPTION_KEYS entries must look like 'kid:base64key'")
        keys[key_id] = _decode_key(encoded, f"encryption key {key_id!r}")
    return keys


def new_key_material() -> str:
    return base64.b64encode(secrets.token_bytes(32)).decode()


def _load_file_keyring(path: Path) -> dict:
    if not path.exists():
        logger.warning(
            "No ANXIN_ENCRYPTION_KEYS in the environment: generating customer-data keys in %s. "
            "Fine for a demo; in production provide the keys from the environment or a secret store.",
            path,
        )
        data = {"active": "k1", "keys": {"k1": new_key_material()}, "blind_index_key": new_key_material()}
        write_file_keyring(path, data)
    return json.loads(path.read_text())


def write_file_keyring(path: Path, data: dict) -> None:
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(data, indent=2))
    tmp.chmod(0o600)
    tmp.replace(path)


_lock = threading.Lock()
_cached: Keyring | None = None
_cached_stamp: tuple[float, float] = (0.0, 0.0)  # (file mtime, monotonic time of last check)
RELOAD_CHECK_SECONDS = 2.0


def get_keyring() -> Keyring:
    """The process's keyring; a file keyring is re-read when rotate_keys changes it."""
    global _cached, _cached_stamp
    now = time.monotonic()
    if _cached is not None and (
        settings.ANXIN_ENCRYPTION_KEYS or now - _cached_stamp[1] < RELOAD_CHECK_SECONDS
    ):
        return _cached
    with _lock:
        mtime = _keyring_file_mtime()
        if _cached is None or mtime != _cached_stamp[0]:
            _cached = _build_keyring()
            mtime = _keyring_file_mtime()
        _cached_stamp = (mtime, now)
    return _cached


def _keyring_file_mtime() -> float:
    if settings.ANXIN_ENCRYPTION_KEYS:
        return 0.0
    try:
        return Path(settings.ANXIN_KEYRING_FILE).stat().st_mtime
    except FileNotFoundError:
        return 0.0


def reset_keyring_cache() -> None:
    global _cached
    _cached = None


def _build_keyring() -> Keyring:
    if settings.ANXIN_ENCRYPTION_KEYS:
        keys = _parse_key_list(settings.ANXIN_ENCRYPTION_KEYS)
        active = settings.ANXIN_ACTIVE_KEY_ID or next(iter(keys))
        if not settings.ANXIN_BLIND_INDEX_KEY:
            raise ImproperlyConfigured("ANXIN_BLIND_INDEX_KEY is required with ANXIN_ENCRYPTION_KEYS")
        blind = _decode_key(settings.ANXIN_BLIND_INDEX_KEY, "ANXIN_BLIND_INDEX_KEY")
    else:
        data = _load_file_keyring(Path(settings.ANXIN_KEYRING_FILE))
        keys = {kid: _decode_key(v, f"key {kid!r}") for kid, v in data["keys"].items()}
        active = data["active"]
        blind = _decode_key(data["blind_index_key"], "blind_index_key")
    if active not in keys:
        raise ImproperlyConfigured(f"active key id {active!r} is not among the configured keys")
    return Keyring(keys=keys, active_key_id=active, blind_index_key=blind)

"""Re-encrypt all customer data to a new key while the site keeps running.

Embedded keyring (data/keys.json): a new key is added, running processes pick it
up within seconds (they can then read values under it), then it becomes active
and every encrypted value still under an older key is rewritten, in batches.
Environment keyring: deploy the new key in ANXIN_ENCRYPTION_KEYS and set
ANXIN_ACTIVE_KEY_ID to it first; this command then rewrites the old values.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from anxin.core.crypto import RELOAD_CHECK_SECONDS, new_key_material, reset_keyring_cache, write_file_keyring
from anxin.core.services import encrypted_values_rotate


class Command(BaseCommand):
    help = "Rotate the customer-data encryption key and re-encrypt every value under the new key."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--batch-size", type=int, default=500)
        parser.add_argument(
            "--no-new-key", action="store_true", help="only re-encrypt to the current active key"
        )
        parser.add_argument(
            "--retire-old", action="store_true", help="drop keys no value uses any more (file keyring)"
        )

    def handle(self, *args: Any, batch_size: int, no_new_key: bool, retire_old: bool, **options: Any) -> None:
        if batch_size < 1:
            raise CommandError("--batch-size must be positive")
        from_env = bool(settings.ANXIN_ENCRYPTION_KEYS)
        if not no_new_key and not from_env:
            self._add_and_activate_file_key(Path(settings.ANXIN_KEYRING_FILE))
        reset_keyring_cache()
        counts = encrypted_values_rotate(batch_size=batch_size)
        for label, count in counts.items():
            self.stdout.write(f"{label}: {count} values re-encrypted")
        if retire_old and not from_env:
            self._retire_unused(Path(settings.ANXIN_KEYRING_FILE))

    def _add_and_activate_file_key(self, path: Path) -> None:
        import json

        if not path.exists():
            raise CommandError(f"No keyring at {path}")
        data = json.loads(path.read_text())
        new_id = f"k{max(int(k[1:]) for k in data['keys'] if k[1:].isdigit()) + 1}"
        data["keys"][new_id] = new_key_material()
        write_file_keyring(path, data)  # step 1: every process learns the key
        self.stdout.write(f"added key {new_id}; waiting for running processes to load it")
        time.sleep(RELOAD_CHECK_SECONDS * 2 if not settings.ANXIN_ROTATE_NO_WAIT else 0)
        data["active"] = new_id
        write_file_keyring(path, data)  # step 2: new writes use it
        self.stdout.write(f"active key is now {new_id}")

    def _retire_unused(self, path: Path) -> None:
        import json

        from anxin.core.services import encrypted_key_ids_in_use

        data = json.loads(path.read_text())
        in_use = encrypted_key_ids_in_use() | {data["active"]}
        retired = [kid for kid in data["keys"] if kid not in in_use]
        for kid in retired:
            del data["keys"][kid]
        write_file_keyring(path, data)
        self.stdout.write(f"retired keys: {', '.join(retired) or 'none'}")

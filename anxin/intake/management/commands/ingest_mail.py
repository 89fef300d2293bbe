"""Turn every message in a Maildir or mbox into a work order (or link it to the open one)."""

from __future__ import annotations

import mailbox
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from anxin.core.exceptions import DomainError
from anxin.intake.channels.email import repair_request_from_email
from anxin.intake.services import IntakeResult, request_submit


class Command(BaseCommand):
    help = (
        "Read a Maildir (directory with cur/ new/) or an mbox file and file each message as a repair request."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", help="Maildir directory or mbox file")
        parser.add_argument(
            "--keep", action="store_true", help="leave messages in the mailbox (default: remove after filing)"
        )

    def handle(self, *args: Any, path: str, keep: bool, **options: Any) -> None:
        location = Path(path)
        if location.is_dir():
            box: mailbox.Mailbox = mailbox.Maildir(location, factory=None, create=False)
        elif location.is_file():
            box = mailbox.mbox(location, create=False)
        else:
            raise CommandError(f"{path}: no such Maildir or mbox")
        filed = refused = failed = 0
        box.lock()
        try:
            for key in list(box.keys()):
                try:
                    raw = box.get_bytes(key)
                    result = request_submit(request=repair_request_from_email(raw))
                except DomainError as exc:
                    # Kept in the mailbox for a person: nothing is dropped.
                    refused += 1
                    self.stderr.write(
                        f"message {key}: refused ({exc.field}: {exc.detail}); left in the mailbox"
                    )
                    continue
                except Exception as exc:  # noqa: BLE001 - one bad message must not stop the rest
                    # Only the exception type: its text may quote the customer's message.
                    failed += 1
                    self.stderr.write(f"message {key}: failed ({type(exc).__name__}); left in the mailbox")
                    continue
                filed += 1
                self.stdout.write(f"message {key}: {self._outcome(result)}")
                if not keep:
                    box.remove(key)
            box.flush()
        finally:
            box.unlock()
            box.close()
        self.stdout.write(f"filed={filed} refused={refused} failed={failed}")

    @staticmethod
    def _outcome(result: IntakeResult) -> str:
        if result.replayed:
            return f"already filed (receipt {result.receipt_number})"
        if result.created:
            return f"created {result.order.number} (receipt {result.receipt_number})"
        return f"linked to an open order (receipt {result.receipt_number})"

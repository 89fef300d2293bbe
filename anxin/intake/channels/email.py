"""Inbound e-mail → RepairRequest (used by the Maildir/mbox command and the HTTP webhook)."""

from __future__ import annotations

import email.policy
import email.utils
from email.message import EmailMessage
from typing import cast

from anxin.intake.channels.text import extract_fields
from anxin.intake.services import (
    IncomingFile,
    RepairRequest,
    attachment_name_clean,
    brand_match,
    category_match,
)
from anxin.workorders.choices import Channel


def parse_message(raw: bytes) -> EmailMessage:
    return email.message_from_bytes(raw, policy=email.policy.default)


def _body_text(message: EmailMessage) -> str:
    part = message.get_body(preferencelist=("plain", "html"))
    if part is None:
        return ""
    text = part.get_content()
    if part.get_content_type() == "text/html":
        from django.utils.html import strip_tags

        text = strip_tags(text)
    return text.strip()


def repair_request_from_email(raw: bytes) -> RepairRequest:
    message = parse_message(raw)
    sender_name, sender_address = email.utils.parseaddr(str(message.get("From", "")))
    body = _body_text(message)
    subject = str(message.get("Subject", "")).strip()
    fields = extract_fields(body)
    files = [
        IncomingFile(
            filename=attachment_name_clean(part.get_filename()),
            content=cast(bytes | None, part.get_payload(decode=True)) or b"",  # an attachment: bytes
            content_type=part.get_content_type(),
        )
        for part in message.iter_attachments()
    ]
    description = f"{subject}\n\n{body}".strip() if subject else body
    return RepairRequest(
        channel=Channel.EMAIL,
        email=sender_address,
        phone=fields.get("phone", ""),
        name=fields.get("name", "") or sender_name,
        address=fields.get("address", ""),
        # Without a "品牌：" line, look for a catalogue name; the subject and body are the
        # customer's personal data and go only into the encrypted description.
        brand=fields.get("brand", "") or _catalogue_name(brand_match(f"{subject} {body}")),
        category=fields.get("category", "") or _catalogue_name(category_match(f"{subject} {body}")),
        model=fields.get("model", ""),
        serial_number=fields.get("serial_number", ""),
        preferred_time=fields.get("preferred_time", ""),
        description=description[:4000],
        external_ref=str(message.get("Message-ID", "")).strip()[:200],
        files=files,
    )


def _catalogue_name(entry: object | None) -> str:
    return getattr(entry, "name", "") if entry is not None else ""

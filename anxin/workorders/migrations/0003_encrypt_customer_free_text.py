"""Encrypt what the customer wrote in their own words, and rename stored attachments at random.

Three steps per column so existing rows survive: widen to a plain text column, encrypt each
value in place, then switch the model field to the encrypted type (same database type).
"""

import os
import uuid

from django.core.files.base import ContentFile
from django.db import migrations, models

import anxin.core.fields

FREE_TEXT = {
    "WorkOrder": ("brand_text", "category_text", "preferred_time"),
    "Attachment": ("filename",),
}


def _encrypt_in_place(apps, schema_editor):
    from anxin.core.crypto import get_keyring

    keyring = get_keyring()
    for model_name, fields in FREE_TEXT.items():
        model = apps.get_model("workorders", model_name)
        for row in model.objects.values("pk", *fields).iterator():
            changes = {
                name: keyring.encrypt(value, context=f"workorders.{model_name}.{name}")
                for name in fields
                if (value := row[name]) and not value.startswith("v1:")
            }
            if changes:
                model.objects.filter(pk=row["pk"]).update(**changes)


def _rename_stored_files(apps, schema_editor):
    """Files on disk were named as the customer sent them; give each a random name."""
    Attachment = apps.get_model("workorders", "Attachment")
    for attachment in Attachment.objects.exclude(file="").iterator():
        old = attachment.file.name
        storage = attachment.file.storage
        if not storage.exists(old):
            continue
        suffix = os.path.splitext(old)[1].lower()
        suffix = suffix if suffix[1:].isalnum() and len(suffix) <= 9 else ""
        with storage.open(old, "rb") as handle:
            content = handle.read()
        folder = os.path.dirname(old)
        new = storage.save(f"{folder}/{uuid.uuid4().hex}{suffix}", ContentFile(content))
        Attachment.objects.filter(pk=attachment.pk).update(file=new)
        storage.delete(old)


def _text(**kwargs):
    return models.TextField(blank=True, **kwargs)


class Migration(migrations.Migration):
    dependencies = [("workorders", "0002_workorder_appointment_end_and_more")]

    operations = [
        migrations.AlterField("workorder", "brand_text", _text(help_text="brand as the customer gave it")),
        migrations.AlterField("workorder", "category_text", _text()),
        migrations.AlterField("workorder", "preferred_time", _text(help_text="as the customer said it")),
        migrations.AlterField("attachment", "filename", models.TextField()),
        migrations.RunPython(_encrypt_in_place, migrations.RunPython.noop),
        migrations.RunPython(_rename_stored_files, migrations.RunPython.noop),
        migrations.AlterField(
            "workorder",
            "brand_text",
            anxin.core.fields.EncryptedTextField(blank=True, help_text="brand as the customer gave it"),
        ),
        migrations.AlterField("workorder", "category_text", anxin.core.fields.EncryptedTextField(blank=True)),
        migrations.AlterField(
            "workorder",
            "preferred_time",
            anxin.core.fields.EncryptedTextField(blank=True, help_text="as the customer said it"),
        ),
        migrations.AlterField(
            "attachment",
            "filename",
            anxin.core.fields.EncryptedTextField(help_text="the original name, without any folder part"),
        ),
    ]

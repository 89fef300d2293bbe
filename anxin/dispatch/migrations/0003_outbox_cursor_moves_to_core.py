"""Dispatch's outbox cursor moves to the shared ``core.OutboxCursor`` (issue #9): copy, then drop."""

from django.db import migrations


def copy_to_core(apps, schema_editor):
    old = apps.get_model("dispatch", "OutboxCursor")
    new = apps.get_model("core", "OutboxCursor")
    for cursor in old.objects.all():
        new.objects.update_or_create(name=cursor.name, defaults={"last_event_id": cursor.last_event_id})


def copy_back(apps, schema_editor):
    old = apps.get_model("dispatch", "OutboxCursor")
    new = apps.get_model("core", "OutboxCursor")
    for cursor in new.objects.filter(name="dispatch"):
        old.objects.update_or_create(name=cursor.name, defaults={"last_event_id": cursor.last_event_id})


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0002_outboxcursor"),
        ("dispatch", "0002_outboxcursor_technician_available_from_and_more"),
    ]

    operations = [
        migrations.RunPython(copy_to_core, copy_back),
        migrations.DeleteModel(name="OutboxCursor"),
    ]

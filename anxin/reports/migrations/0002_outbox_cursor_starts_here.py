"""reports reads the work-order timeline from here on: orders completed before this release get their
report on demand (the first download), not all at once on deploy."""

from django.db import migrations


def cursor_at_end(apps, schema_editor):
    cursor = apps.get_model("core", "OutboxCursor")
    event = apps.get_model("workorders", "WorkOrderEvent")
    txid, last = event.objects.order_by("-txid", "-id").values_list("txid", "id").first() or (0, 0)
    cursor.objects.update_or_create(name="reports", defaults={"last_txid": txid, "last_event_id": last})


def cursor_drop(apps, schema_editor):
    apps.get_model("core", "OutboxCursor").objects.filter(name="reports").delete()


class Migration(migrations.Migration):
    dependencies = [
        ("reports", "0001_initial"),
        ("core", "0003_outboxcursor_last_txid"),
    ]

    operations = [migrations.RunPython(cursor_at_end, cursor_drop)]

"""sla starts reading the work-order timeline through its own cursor (issue #9).

Until this release workorders called sla on every event, so every event recorded so far has been
applied: the cursor starts at the last one.
"""

from django.db import migrations


def cursor_at_end(apps, schema_editor):
    cursor = apps.get_model("core", "OutboxCursor")
    event = apps.get_model("workorders", "WorkOrderEvent")
    last = event.objects.order_by("-id").values_list("id", flat=True).first() or 0
    cursor.objects.update_or_create(name="sla", defaults={"last_event_id": last})


def cursor_drop(apps, schema_editor):
    apps.get_model("core", "OutboxCursor").objects.filter(name="sla").delete()


class Migration(migrations.Migration):
    dependencies = [
        ("sla", "0001_initial"),
        ("core", "0002_outboxcursor"),
        ("workorders", "0003_encrypt_customer_free_text"),
    ]

    operations = [migrations.RunPython(cursor_at_end, cursor_drop)]

"""Outbox rows record their writing transaction (issue #9: readers skipped late commits).

Two steps so that PostgreSQL neither rewrites nor long-locks the timeline: the column is added with
the constant default 0 (existing rows read as 0, which keeps every cursor's (0, last id) position
meaning what it meant), then its default becomes the writing transaction's id for new rows.
"""

import django.db.models.expressions
from django.conf import settings
from django.db import migrations, models

import anxin.core.models


class Migration(migrations.Migration):
    dependencies = [
        ("workorders", "0004_network_models_moved"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="workorderevent",
            name="txid",
            field=models.BigIntegerField(db_default=django.db.models.expressions.Value(0), editable=False),
        ),
        migrations.AlterField(
            model_name="workorderevent",
            name="txid",
            field=models.BigIntegerField(db_default=anxin.core.models.CurrentTransactionId(), editable=False),
        ),
        migrations.AddIndex(
            model_name="workorderevent",
            index=models.Index(fields=["txid", "id"], name="workorders_event_outbox_idx"),
        ),
    ]

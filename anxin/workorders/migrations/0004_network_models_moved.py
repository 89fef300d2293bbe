"""State only: the order's technician and service point now point at the models in ``network``.

The foreign-key columns and constraints already reference the unchanged tables (see ``network.0001``).
"""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("network", "0001_initial"),
        ("workorders", "0003_encrypt_customer_free_text"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.AlterField(
                    model_name="workorder",
                    name="service_point",
                    field=models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="orders",
                        to="network.servicepoint",
                    ),
                ),
                migrations.AlterField(
                    model_name="workorder",
                    name="technician",
                    field=models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="orders",
                        to="network.technician",
                    ),
                ),
            ],
        ),
    ]

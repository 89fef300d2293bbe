"""State only: ServicePoint and Technician now live in ``network`` (same tables; see ``network.0001``).

Offers, pins and plans point at the moved models; then the models leave dispatch's state. No table changes.
"""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("areas", "0002_network_models_moved"),
        ("dispatch", "0002_outboxcursor_technician_available_from_and_more"),
        ("network", "0001_initial"),
        ("workorders", "0004_network_models_moved"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.AlterField(
                    model_name="dispatchoffer",
                    name="technician",
                    field=models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="offers",
                        to="network.technician",
                    ),
                ),
                migrations.AlterField(
                    model_name="dispatchpin",
                    name="technician",
                    field=models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="pins",
                        to="network.technician",
                    ),
                ),
                migrations.AlterField(
                    model_name="dispatchplan",
                    name="service_point",
                    field=models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="plans",
                        to="network.servicepoint",
                    ),
                ),
                migrations.DeleteModel(name="Technician"),
                migrations.DeleteModel(name="ServicePoint"),
            ],
        ),
    ]

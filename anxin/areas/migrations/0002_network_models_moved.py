"""State only: CoverageArea now lives in ``network`` (same table, ``areas_coveragearea``; see ``network.0001``)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("areas", "0001_initial"),
        ("network", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[migrations.DeleteModel(name="CoverageArea")],
        ),
    ]

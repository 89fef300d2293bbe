"""ServicePoint and Technician (from dispatch) and CoverageArea (from areas) move into this app.

State only: the tables keep their names (``db_table`` on each model; the many-to-many tables follow from it,
e.g. ``dispatch_servicepoint_brands``), so no row is copied and nothing is renamed. The models' content types
are relabelled so that permissions and admin history stay attached to them. The other halves of the move are
``workorders.0004``, ``dispatch.0003`` and ``areas.0002`` (all named ``*_network_models_moved``).
"""

import datetime

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

import anxin.network.models

MOVED = {"dispatch": ["servicepoint", "technician"], "areas": ["coveragearea"]}


def relabel_content_types(apps, schema_editor, forward=True):
    """Point the moved models' content types (and with them permissions and admin log rows) at ``network``."""
    content_type = apps.get_model("contenttypes", "ContentType")
    db = schema_editor.connection.alias
    for old_label, names in MOVED.items():
        source, target = ("network", old_label) if not forward else (old_label, "network")
        for name in names:
            if content_type.objects.using(db).filter(app_label=target, model=name).exists():
                continue  # already there (e.g. created by a later post_migrate); leave both alone
            content_type.objects.using(db).filter(app_label=source, model=name).update(app_label=target)


def relabel_back(apps, schema_editor):
    relabel_content_types(apps, schema_editor, forward=False)


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("areas", "0001_initial"),
        ("catalog", "0002_productcategory_visit_minutes"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("dispatch", "0002_outboxcursor_technician_available_from_and_more"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.CreateModel(
                    name="ServicePoint",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("created_at", models.DateTimeField(auto_now_add=True, db_index=True)),
                        ("updated_at", models.DateTimeField(auto_now=True)),
                        ("name", models.CharField(max_length=100, unique=True)),
                        ("address", models.CharField(blank=True, max_length=200)),
                        ("county_code", models.CharField(blank=True, db_index=True, max_length=6)),
                        ("latitude", models.FloatField(blank=True, null=True)),
                        ("longitude", models.FloatField(blank=True, null=True)),
                        ("phone", models.CharField(blank=True, max_length=30)),
                        ("open_24h", models.BooleanField(default=False)),
                        (
                            "opening_hours",
                            models.CharField(
                                blank=True, help_text="e.g. 08:30-12:00,13:30-18:00", max_length=100
                            ),
                        ),
                        ("is_active", models.BooleanField(default=True)),
                        (
                            "brands",
                            models.ManyToManyField(
                                blank=True, related_name="service_points", to="catalog.brand"
                            ),
                        ),
                        (
                            "categories",
                            models.ManyToManyField(
                                blank=True, related_name="service_points", to="catalog.productcategory"
                            ),
                        ),
                    ],
                    options={
                        "db_table": "dispatch_servicepoint",
                        "ordering": ["name"],
                    },
                ),
                migrations.CreateModel(
                    name="Technician",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("created_at", models.DateTimeField(auto_now_add=True, db_index=True)),
                        ("updated_at", models.DateTimeField(auto_now=True)),
                        (
                            "employee_no",
                            models.CharField(
                                help_text="shown to customers to verify a visit", max_length=20, unique=True
                            ),
                        ),
                        (
                            "certifications",
                            models.JSONField(
                                blank=True,
                                default=anxin.network.models._default_certifications,
                                help_text="e.g. 电工证, 高处作业证 (free text list)",
                            ),
                        ),
                        ("is_active", models.BooleanField(default=True)),
                        ("home_latitude", models.FloatField(blank=True, null=True)),
                        ("home_longitude", models.FloatField(blank=True, null=True)),
                        ("shift_start", models.TimeField(default=datetime.time(8, 30))),
                        ("shift_end", models.TimeField(default=datetime.time(18, 0))),
                        (
                            "work_days",
                            models.CharField(
                                default="123456",
                                help_text="ISO weekdays worked: 1 = Monday … 7 = Sunday",
                                max_length=7,
                            ),
                        ),
                        (
                            "break_earliest",
                            models.TimeField(default=datetime.time(11, 30), help_text="lunch may start from"),
                        ),
                        (
                            "break_latest",
                            models.TimeField(default=datetime.time(13, 0), help_text="lunch must start by"),
                        ),
                        (
                            "break_minutes",
                            models.PositiveSmallIntegerField(default=45, help_text="0: no break"),
                        ),
                        ("max_jobs_per_day", models.PositiveSmallIntegerField(default=8)),
                        (
                            "status",
                            models.CharField(
                                choices=[
                                    ("available", "空闲"),
                                    ("en_route", "在途"),
                                    ("on_site", "在现场"),
                                    ("off", "休息/下班"),
                                ],
                                default="available",
                                max_length=12,
                            ),
                        ),
                        ("status_changed_at", models.DateTimeField(blank=True, null=True)),
                        (
                            "available_from",
                            models.DateTimeField(
                                blank=True,
                                help_text="running late: not free before this time today",
                                null=True,
                            ),
                        ),
                        ("last_latitude", models.FloatField(blank=True, null=True)),
                        ("last_longitude", models.FloatField(blank=True, null=True)),
                        ("last_located_at", models.DateTimeField(blank=True, null=True)),
                        (
                            "brands",
                            models.ManyToManyField(
                                blank=True, related_name="technicians", to="catalog.brand"
                            ),
                        ),
                        (
                            "categories",
                            models.ManyToManyField(
                                blank=True, related_name="technicians", to="catalog.productcategory"
                            ),
                        ),
                        (
                            "service_point",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="technicians",
                                to="network.servicepoint",
                            ),
                        ),
                        (
                            "user",
                            models.OneToOneField(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="technician",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                    ],
                    options={
                        "db_table": "dispatch_technician",
                        "ordering": ["employee_no"],
                    },
                ),
                migrations.CreateModel(
                    name="CoverageArea",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("created_at", models.DateTimeField(auto_now_add=True, db_index=True)),
                        ("updated_at", models.DateTimeField(auto_now=True)),
                        ("division_code", models.CharField(max_length=9)),
                        (
                            "level",
                            models.PositiveSmallIntegerField(
                                choices=[(1, "省级"), (2, "地级"), (3, "县级"), (4, "乡级")]
                            ),
                        ),
                        (
                            "name_path",
                            models.CharField(
                                help_text="names at import time, e.g. 四川省/达州市/通川区", max_length=120
                            ),
                        ),
                        ("exclude", models.BooleanField(default=False)),
                        (
                            "source_text",
                            models.CharField(
                                blank=True, help_text="the pasted text this came from", max_length=100
                            ),
                        ),
                        (
                            "service_point",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="coverage",
                                to="network.servicepoint",
                            ),
                        ),
                    ],
                    options={
                        "db_table": "areas_coveragearea",
                        "ordering": ["division_code"],
                        "indexes": [models.Index(fields=["division_code"], name="areas_coverage_code_idx")],
                        "constraints": [
                            models.UniqueConstraint(
                                fields=("service_point", "division_code"), name="uniq_coverage_per_point"
                            )
                        ],
                    },
                ),
            ],
        ),
        migrations.RunPython(relabel_content_types, relabel_back),
    ]

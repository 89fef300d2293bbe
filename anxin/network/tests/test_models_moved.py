"""The move of ServicePoint, Technician (from dispatch) and CoverageArea (from areas) into network.

The migrations change Django's state only: rows written under the old apps are read unchanged through the new
models, the tables keep their names, and content types (so permissions) follow the models.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import pytest
from django.apps import apps
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.state import StateApps
from django.utils import timezone

from anxin.catalog.models import Brand, ProductCategory
from anxin.network.models import CoverageArea, ServicePoint, Technician

pytestmark = pytest.mark.django_db(transaction=True)


def migrate(targets: Sequence[tuple[str, str | None]]) -> StateApps:
    """Run the migrations to these nodes and answer the historical models there."""
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    executor.loader.build_graph()
    return executor.loader.project_state(list(executor.loader.applied_migrations)).apps


def latest() -> list[tuple[str, str]]:
    return MigrationExecutor(connection).loader.graph.leaf_nodes()


def test_the_moved_models_keep_their_tables():
    assert ServicePoint._meta.db_table == "dispatch_servicepoint"
    assert Technician._meta.db_table == "dispatch_technician"
    assert CoverageArea._meta.db_table == "areas_coveragearea"
    assert ServicePoint.brands.through._meta.db_table == "dispatch_servicepoint_brands"
    assert Technician.categories.through._meta.db_table == "dispatch_technician_categories"


def test_rows_written_before_the_move_are_read_unchanged_after_it():
    # Given: the database as it was before network existed, with a point, a technician, coverage and a plan.
    leaves = latest()
    old = migrate([("network", None)])
    assert "network" not in {m._meta.app_label for m in old.get_models()}
    brand = old.get_model("catalog", "Brand").objects.create(code="lechuang", name="乐创")
    category = old.get_model("catalog", "ProductCategory").objects.create(code="dc", name="消毒柜")
    user = old.get_model("accounts", "User").objects.create(username="tech9")
    point = old.get_model("dispatch", "ServicePoint").objects.create(
        name="达州通川网点", county_code="511702"
    )
    point.brands.add(brand)
    technician = old.get_model("dispatch", "Technician").objects.create(
        user=user, service_point=point, employee_no="T9001", shift_start=dt.time(9, 0)
    )
    technician.categories.add(category)
    old.get_model("areas", "CoverageArea").objects.create(
        service_point=point, division_code="511702", level=3, name_path="四川省/达州市/通川区"
    )
    old.get_model("dispatch", "DispatchPlan").objects.create(
        service_point=point, day=dt.date(2026, 12, 3), engine="insertion", planned_at=timezone.now()
    )
    content_types = old.get_model("contenttypes", "ContentType").objects
    point_type_id = content_types.get(app_label="dispatch", model="servicepoint").pk

    # When: the migrations run to the end.
    migrate(leaves)

    # Then: the same rows, reached through network's models and the foreign keys pointing at them.
    moved = ServicePoint.objects.get(pk=point.pk)
    assert moved.name == "达州通川网点"
    assert list(moved.brands.all()) == [Brand.objects.get(code="lechuang")]
    assert moved.coverage.get().division_code == "511702"
    tech = Technician.objects.get(employee_no="T9001")
    assert (tech.service_point, tech.shift_start, tech.user.username) == (moved, dt.time(9, 0), "tech9")
    assert list(tech.categories.all()) == [ProductCategory.objects.get(code="dc")]
    # dispatch sits above network, so its model is looked up rather than imported.
    assert apps.get_model("dispatch", "DispatchPlan").objects.get().service_point == moved
    from django.contrib.contenttypes.models import ContentType

    ContentType.objects.clear_cache()
    assert ContentType.objects.get_for_model(ServicePoint).pk == point_type_id
    assert not ContentType.objects.filter(app_label="dispatch", model="servicepoint").exists()

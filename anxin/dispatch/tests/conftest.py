"""Dispatch fixtures shared by the API, page, slot, offer-loop and plan tests.

A service point covering 北京朝阳 for the brand and category, and two skilled technicians: ``near``
lives next to the customers (county centre 39.92, 116.44), ``far`` across the city. Modules that need
them on shift around the clock override the fixture with ``always_on`` from ``factories``.
"""

from __future__ import annotations

import pytest

from anxin.dispatch.tests.factories import cover, skilled
from anxin.network.models import ServicePoint, Technician


@pytest.fixture(autouse=True)
def _fast_plans(settings):
    """Re-plans happen on most events: a short solver budget keeps the suite fast."""
    settings.ANXIN_PLAN_TIME_LIMIT_S = 0.2


@pytest.fixture
def point(service_point, brand, category) -> ServicePoint:
    return cover(service_point, brand, category)


@pytest.fixture
def near(point, technician, brand, category) -> Technician:
    return skilled(technician, brand, category, lat=39.921, lng=116.444)


@pytest.fixture
def far(point, other_technician, brand, category) -> Technician:
    return skilled(other_technician, brand, category, lat=40.05, lng=116.25)

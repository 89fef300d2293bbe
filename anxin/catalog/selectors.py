"""Catalog reads. Brands and categories are a handful of rows read on every intake, so each
process keeps them for a few seconds instead of querying per request."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterable
from typing import Any

from django.db.models import Q

from anxin.catalog.models import Brand, FaultCode, ProductCategory

CACHE_SECONDS = 30.0
_lock = threading.Lock()
_cache: dict[str, tuple[float, list[Any]]] = {}


def _cached(key: str, load: Callable[[], Iterable[Any]], *, fresh: bool) -> list[Any]:
    now = time.monotonic()
    hit = _cache.get(key)
    if hit is not None and not fresh and now - hit[0] < CACHE_SECONDS:
        return hit[1]
    rows = list(load())
    with _lock:
        _cache[key] = (now, rows)
    return rows


def brands_all(*, fresh: bool = False) -> list[Brand]:
    return _cached("brands", lambda: Brand.objects.order_by("-name"), fresh=fresh)


def categories_all(*, fresh: bool = False) -> list[ProductCategory]:
    return _cached("categories", lambda: ProductCategory.objects.order_by("-name"), fresh=fresh)


def catalog_cache_clear() -> None:
    with _lock:
        _cache.clear()


def fault_codes_for(
    *, brand_id: int, category_id: int, product_model_id: int | None = None
) -> list[FaultCode]:
    """A brand's active fault codes for a category: the model's own codes first, then the category's
    codes for every model (a model's code shadows nothing: both are listed, the model's first)."""
    codes = FaultCode.objects.filter(brand_id=brand_id, category_id=category_id, active=True).filter(
        Q(product_model__isnull=True) | Q(product_model_id=product_model_id)
    )
    return sorted(codes, key=lambda c: (c.product_model_id is None, c.code))

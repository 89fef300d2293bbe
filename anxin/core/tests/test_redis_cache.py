"""The Redis cache backend with one shared client and a one-round-trip incr (settings use it with REDIS_URL)."""

import os

import pytest
import redis

from anxin.core.cache import SharedClientRedisCache

URL = os.environ.get("ANXIN_TEST_REDIS_URL", "redis://127.0.0.1:6379/14")


@pytest.fixture
def cache():
    try:
        redis.Redis.from_url(URL).ping()
    except redis.ConnectionError:
        pytest.skip(f"no Redis at {URL}")
    backend = SharedClientRedisCache(URL, {"KEY_PREFIX": "anxin-test-cache"})
    yield backend
    backend.clear()


def test_incr_counts_an_existing_key_and_refuses_a_missing_one_like_django(cache):
    assert cache.add("hits", 1, timeout=30)
    assert cache.incr("hits") == 2
    assert cache.incr("hits", 5) == 7
    assert cache.get("hits") == 7
    with pytest.raises(ValueError):
        cache.incr("never-set")
    assert cache.get("never-set") is None  # the refused incr did not create it


def test_the_client_is_built_once_and_reused(cache):
    client = cache._cache.get_client("a", write=True)
    cache.set("a", "x", timeout=30)
    cache.get("a")
    assert cache._cache.get_client("b", write=True) is client
    assert cache.get("a") == "x"


def test_cache_objects_share_one_connection_pool(cache):
    """Under ASGI Django makes a cache object per request; they must not each open connections."""
    cache.set("a", "x", timeout=30)
    another = SharedClientRedisCache(URL, {"KEY_PREFIX": "anxin-test-cache"})

    assert another.get("a") == "x"
    assert another.add("n", 1)
    assert another.incr("n") == 2
    pool = cache._cache.get_client(write=True).connection_pool
    assert another._cache.get_client(write=True).connection_pool is pool
    assert len(pool._available_connections) + len(pool._in_use_connections) == 1

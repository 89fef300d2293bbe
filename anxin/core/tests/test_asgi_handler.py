"""The ASGI handler runs our sync middleware and view in one worker thread, and connections do not pile up."""

import asyncio
import threading
import time
from typing import cast

import pytest
from asgiref.testing import ApplicationCommunicator
from django.db import connection
from django.db.backends.postgresql.base import DatabaseWrapper as PostgresWrapper
from django.http import HttpResponse
from django.urls import path

from anxin.core.asgi_handler import SyncChainASGIHandler

seen: dict[str, int] = {}


class RecordThreadMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        seen["middleware"] = threading.get_ident()
        return self.get_response(request)


def thread_view(request):
    seen["view"] = threading.get_ident()
    return HttpResponse("ok")


def count_view(request):
    from anxin.accounts.models import User

    return HttpResponse(str(User.objects.count()))


def slow_view(request):
    from anxin.accounts.models import User

    User.objects.count()  # a connection is taken from the pool...
    time.sleep(0.3)  # ...and the client leaves meanwhile
    return HttpResponse("late")


urlpatterns = [path("thread/", thread_view), path("count/", count_view), path("slow/", slow_view)]


def _scope(url: str) -> dict:
    return {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "GET",
        "scheme": "http",
        "path": url,
        "raw_path": url.encode(),
        "query_string": b"",
        "root_path": "",
        "headers": [(b"host", b"testserver")],
        "client": ("127.0.0.1", 1),
        "server": ("testserver", 80),
    }


def _get(handler: SyncChainASGIHandler, url: str) -> tuple[int, bytes]:
    async def run() -> tuple[int, bytes]:
        app = ApplicationCommunicator(handler, _scope(url))
        await app.send_input({"type": "http.request", "body": b""})
        start = await app.receive_output(5)
        body = await app.receive_output(5)
        await app.wait(5)
        return start["status"], body["body"]

    return asyncio.run(run())


def test_middleware_and_view_share_one_worker_thread(settings):
    settings.ROOT_URLCONF = __name__
    settings.MIDDLEWARE = [f"{__name__}.RecordThreadMiddleware"]
    seen.clear()
    status, body = _get(SyncChainASGIHandler(), "/thread/")
    assert (status, body) == (200, b"ok")
    assert seen["middleware"] == seen["view"]
    assert seen["view"] != threading.get_ident()  # not on the event loop's (here: the test's) thread


def _backends() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()")
        return cursor.fetchone()[0]


@pytest.mark.django_db(transaction=True)
def test_requests_reuse_pooled_connections_on_postgresql(settings):
    """Each ASGI request runs in a new thread: a per-thread kept connection would never be reused, and
    40 requests would leave up to 40 PostgreSQL backends open (ADR 31). The pool hands them back."""
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only: the pool is PostgreSQL's")
    assert settings.DATABASES["default"]["CONN_MAX_AGE"] == 0
    assert settings.DATABASES["default"]["OPTIONS"]["pool"]["max_size"] == settings.DB_POOL_MAX_SIZE
    settings.ROOT_URLCONF = __name__
    settings.MIDDLEWARE = []
    handler = SyncChainASGIHandler()
    before = _backends()
    for _ in range(40):
        assert _get(handler, "/count/") == (200, b"0")
    assert _backends() - before <= settings.DB_POOL_MAX_SIZE


def _abandon(handler: SyncChainASGIHandler, url: str, after: float) -> None:
    """The client sends its request and disconnects ``after`` seconds later, before the answer."""

    async def run() -> None:
        app = ApplicationCommunicator(handler, _scope(url))
        await app.send_input({"type": "http.request", "body": b""})
        await asyncio.sleep(after)
        await app.send_input({"type": "http.disconnect"})
        await app.wait(5)

    asyncio.run(run())


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("after", [0.1, 0.6], ids=["while-the-view-runs", "after-it-answered"])
def test_clients_that_leave_early_give_their_connection_back(settings, after):
    """Django cancels a request whose client disconnected while our sync chain runs in its worker
    thread. The connection that thread took must still go back to the pool (request_finished closes
    it): a lost slot per early-leaving phone would, after DB_POOL_MAX_SIZE of them, make every
    request wait out the pool timeout."""
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only: the pool is PostgreSQL's")
    settings.ROOT_URLCONF = __name__
    settings.MIDDLEWARE = []
    handler = SyncChainASGIHandler()
    for _ in range(settings.DB_POOL_MAX_SIZE + 2):
        _abandon(handler, "/slow/", after)
    time.sleep(0.5)  # an abandoned view finishes in its own thread
    postgres = cast(PostgresWrapper, connection)  # skipped above on other databases
    stats = postgres.pool.get_stats()
    assert stats["pool_size"] - stats.get("pool_available", 0) <= 1  # only this test's own connection
    started = time.monotonic()
    assert _get(handler, "/count/") == (200, b"0")
    assert time.monotonic() - started < 5

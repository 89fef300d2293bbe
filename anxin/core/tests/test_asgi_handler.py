"""The ASGI handler runs our sync middleware and view in one worker thread, and connections do not pile up."""

import asyncio
import threading

import pytest
from asgiref.testing import ApplicationCommunicator
from django.db import connection
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


urlpatterns = [path("thread/", thread_view), path("count/", count_view)]


def _get(handler: SyncChainASGIHandler, url: str) -> tuple[int, bytes]:
    async def run() -> tuple[int, bytes]:
        scope = {
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
        app = ApplicationCommunicator(handler, scope)
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

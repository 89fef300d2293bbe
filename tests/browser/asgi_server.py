"""An ASGI live server for browser tests that need WebSockets (pytest-django's ``live_server`` is WSGI).

Uvicorn serves ``anxin.asgi`` (HTTP through Django with static files, ``/ws/…`` through Channels) from a
thread of the test process, so it sees the test database and the ``settings`` fixture's overrides, like
Django's own live server. Use it with ``pytest.mark.django_db(transaction=True)``: the server's threads
only see committed rows.

Each server thread has its own connection (the SQLite test database is a WAL file, anxin/settings.py),
closed after each request so that the test database can be dropped at the end.
"""

from __future__ import annotations

import contextlib
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest


@dataclass
class AsgiLiveServer:
    url: str
    host: str
    port: int


def _application() -> Any:
    from channels.routing import ProtocolTypeRouter
    from django.contrib.staticfiles.handlers import ASGIStaticFilesHandler

    from anxin import asgi

    return ProtocolTypeRouter(
        {
            "http": ASGIStaticFilesHandler(asgi.django_http),
            "websocket": asgi.application.application_mapping["websocket"],
        }
    )


@pytest.fixture
def asgi_live_server(transactional_db, settings, monkeypatch) -> Iterator[AsgiLiveServer]:
    import uvicorn
    from django.db import connections

    # each request and relay read closes its connection (close_old_connections)
    monkeypatch.setitem(connections["default"].settings_dict, "CONN_MAX_AGE", 0)
    settings.ANXIN_LIVE_RELAY_INTERVAL = 0.1

    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    host, port = sock.getsockname()
    config = uvicorn.Config(_application(), lifespan="off", log_level="warning", ws="auto")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the ASGI live server did not start")
        time.sleep(0.02)
    try:
        yield AsgiLiveServer(url=f"http://{host}:{port}", host=host, port=port)
    finally:
        _stop(server, thread)
        sock.close()


def _stop(server: Any, thread: threading.Thread) -> None:
    """Stop the server and its live relay for good. The test's pages may still hold WebSockets open,
    which a graceful shutdown waits for: a server left running keeps its relay polling the test
    database (through the connection pool) during the tests that follow."""
    from anxin.live.relay import relay

    if relay.task is not None and relay.loop is not None and not relay.task.done():
        with contextlib.suppress(RuntimeError):  # its loop closed already
            relay.loop.call_soon_threadsafe(relay.task.cancel)
    server.should_exit = True
    thread.join(timeout=2)
    if thread.is_alive():
        server.force_exit = True  # close the remaining connections instead of waiting for them
        thread.join(timeout=10)
    if thread.is_alive():
        raise RuntimeError("the ASGI live server did not stop")

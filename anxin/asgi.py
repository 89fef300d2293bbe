"""The ASGI application: HTTP (Django) and WebSockets (Channels, /ws/…) on one port (docs/realtime.md)."""

import os

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "anxin.settings")
django.setup(set_prefix=False)  # before importing consumers and the handler: it sets Django up

from anxin.core.asgi_handler import SyncChainASGIHandler  # noqa: E402

django_http = SyncChainASGIHandler()

from channels.auth import AuthMiddlewareStack  # noqa: E402
from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from channels.security.websocket import AllowedHostsOriginValidator  # noqa: E402

from anxin.core.checks import production_guard  # noqa: E402
from anxin.live.routing import websocket_urlpatterns  # noqa: E402
from anxin.warmup import warm_up  # noqa: E402

# The session cookie signs the socket in, like a page; the Origin must be one of ALLOWED_HOSTS, so
# another site cannot open a socket with the visitor's cookie (the WebSocket form of CSRF).
application = ProtocolTypeRouter(
    {
        "http": django_http,
        "websocket": AllowedHostsOriginValidator(AuthMiddlewareStack(URLRouter(websocket_urlpatterns))),
    }
)

production_guard()
warm_up()  # before the server hands this process its first request

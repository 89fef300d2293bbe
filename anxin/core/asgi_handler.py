"""Django's ASGI handler with the middleware chain run synchronously, in one thread per request.

Django's own handler builds an async chain: every sync-only middleware, the hand-over to its async
inner handler and the sync view each cross between the event loop and a worker thread (four crossings
per request with our middleware, all sync). Our views and middleware are all sync, so the whole chain
runs in the request's worker thread with one crossing, as under WSGI; WebSockets are Channels'
consumers and do not pass through here. Measured in docs/benchmarks.md §1 (ADR 31).
"""

from asgiref.sync import sync_to_async
from django.core.handlers.asgi import ASGIHandler
from django.http import HttpRequest, HttpResponseBase


class SyncChainASGIHandler(ASGIHandler):
    def load_middleware(self, is_async: bool = False) -> None:
        super().load_middleware(is_async=False)

    async def get_response_async(self, request: HttpRequest) -> HttpResponseBase:
        return await sync_to_async(self.get_response, thread_sensitive=True)(request)

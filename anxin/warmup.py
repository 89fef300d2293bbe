"""Work a web process does once, before its server lets it take requests.

Django imports the URLconf (every view module, and django-ninja builds the API's pydantic schemas)
on the first request, and the address resolver loads the division tree on the first intake: about
1.2 s of CPU that the first customer of every new worker waited for, and on a 2-core machine the
workers' first requests slowed each other (docs/benchmarks.md §1, "cold workers"). The WSGI and ASGI
modules call this when the server imports them, so a worker is warm before it accepts a connection.
Nothing here touches the database: a worker starting while PostgreSQL is away still starts.
"""

from __future__ import annotations

from django.urls import get_resolver

from anxin.areas.resolver import get_resolver as get_address_resolver


def warm_up() -> None:
    get_resolver().url_patterns  # noqa: B018 (a property read: it imports the URLconf, as a first request does)
    get_address_resolver()

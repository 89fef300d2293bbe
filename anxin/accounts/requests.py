"""Request types for annotations: what middleware and authentication add to Django's HttpRequest.

Nothing here runs: a view annotated ``request: AuthedRequest`` receives the same HttpRequest object,
and mypy learns what ``login_required`` / the API's ``api_auth`` guarantee about it.
"""

from __future__ import annotations

from django.http import HttpRequest
from django_htmx.middleware import HtmxDetails

from anxin.accounts.models import User


class HtmxRequest(HttpRequest):
    """Any request: django-htmx's middleware sets ``htmx``."""

    htmx: HtmxDetails


class AuthedRequest(HtmxRequest):
    """A request behind ``login_required`` / ``role_required`` (``user``) or ninja's ``api_auth`` (``auth``)."""

    user: User
    auth: User

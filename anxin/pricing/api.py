from __future__ import annotations

from ninja import Router

from anxin.accounts.auth import api_auth

router = Router(tags=["pricing"], auth=api_auth)

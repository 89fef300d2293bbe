from __future__ import annotations

from ninja import Router

from anxin.accounts.auth import api_auth

router = Router(tags=["visits"], auth=api_auth)

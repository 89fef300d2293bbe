"""Every machine channel: apps and partners filing orders (``POST /api/v1/orders``), the social/IM
bridge and the inbound-mail webhook (HMAC-signed, no login)."""

from __future__ import annotations

from typing import cast

from django.conf import settings
from django.http import HttpRequest
from django.utils.translation import gettext
from ninja import Header, Router, Status
from pydantic import ValidationError

from anxin.accounts.permissions import require
from anxin.accounts.requests import AuthedRequest
from anxin.core.exceptions import BadRequest, ValidationFailed
from anxin.core.ratelimit import ratelimit
from anxin.core.schemas import request_body_schema
from anxin.core.validation import input_error_from_pydantic
from anxin.intake.channels.email import repair_request_from_email
from anxin.intake.channels.social import verify_signature
from anxin.intake.channels.text import extract_fields
from anxin.intake.permissions import FILE_ORDER
from anxin.intake.presenters import intake_answer
from anxin.intake.schemas import IntakeAckOut, OrderCreatedOut, OrderCreateIn, SocialMessageIn
from anxin.intake.services import (
    IntakeResult,
    RepairRequest,
    brand_match,
    category_match,
    request_submit,
    request_submit_idempotent,
)
from anxin.workorders.api import ERRORS as ORDER_ERRORS
from anxin.workorders.api import router as orders_router
from anxin.workorders.choices import Channel
from anxin.workorders.schemas import ErrorOut

router = Router(tags=["intake"])
ERRORS = {400: ErrorOut, 403: ErrorOut, 413: ErrorOut, 422: ErrorOut, 429: ErrorOut}


def _ack(result: IntakeResult) -> Status:
    return Status(201 if result.created else 200, intake_answer(result))


def _api_client(request: HttpRequest) -> str:
    """Budgets count per API token (each token has its own service user) or signed-in user."""
    return f"user:{cast(AuthedRequest, request).auth.pk}"  # the router's api_auth ran before


# Filing an order is an intake channel, served at the orders' path: the operation is added to the
# orders router (mounted at /api/v1/orders), so reading and filing orders share one URL. The
# operation id is the one it had before it moved here, so generated clients keep their method name.
@orders_router.post(
    "",
    response={201: OrderCreatedOut, 200: OrderCreatedOut, **ORDER_ERRORS},
    operation_id="anxin_workorders_api_order_create",
)
@ratelimit(scope="api-orders", rate_setting="ANXIN_API_ORDER_RATE", key=_api_client)
def order_create(
    request: AuthedRequest,
    payload: OrderCreateIn,
    idempotency_key: str | None = Header(
        None, alias="Idempotency-Key", min_length=1, max_length=200, pattern=r"\S"
    ),
) -> Status:
    """File a repair request from an app or partner. Retries with the same Idempotency-Key return the same order."""
    require(request.auth, FILE_ORDER)
    repair = RepairRequest(channel=Channel.API, **payload.dict())
    if idempotency_key is not None:
        result = request_submit_idempotent(request=repair, client=request.auth, key=idempotency_key)
    else:
        result = request_submit(request=repair, actor=request.auth)
    return _ack(result)


@router.post(
    "/social",
    response={201: IntakeAckOut, 200: IntakeAckOut, **ERRORS},
    openapi_extra={
        "requestBody": {"content": {"application/json": {"schema": request_body_schema(SocialMessageIn)}}}
    },
)
@ratelimit(scope="webhook-social", rate_setting="ANXIN_WEBHOOK_RATE")
def social_webhook(
    request: HttpRequest,
    x_anxin_timestamp: str | None = Header(None, alias="X-Anxin-Timestamp"),
    x_anxin_signature: str | None = Header(None, alias="X-Anxin-Signature"),
) -> Status:
    """A message from WeChat/Weibo/Douyin via the bridge. The signature is checked before the body is read."""
    verify_signature(
        secret=settings.ANXIN_SOCIAL_WEBHOOK_SECRET,
        timestamp=x_anxin_timestamp,
        signature=x_anxin_signature,
        body=request.body,
    )
    message = _parse_social(request.body)
    fields = extract_fields(message.text)
    repair = RepairRequest(
        channel=Channel.SOCIAL,
        phone=message.sender.phone or fields.get("phone", ""),
        name=message.sender.name or fields.get("name", ""),
        address=message.address or fields.get("address", ""),
        # Without a brand field, look for a catalogue name in the text; the text itself is the
        # customer's personal data and goes only into the encrypted description.
        brand=message.brand or fields.get("brand", "") or _catalogue_name(brand_match(message.text)),
        category=message.category
        or fields.get("category", "")
        or _catalogue_name(category_match(message.text)),
        model=fields.get("model", ""),
        serial_number=fields.get("serial_number", ""),
        description=message.text,
        external_ref=f"{message.platform}:{message.message_id}",
    )
    return _ack(request_submit(request=repair))


@router.post(
    "/email",
    response={201: IntakeAckOut, 200: IntakeAckOut, **ERRORS},
    openapi_extra={
        "requestBody": {"content": {"message/rfc822": {"schema": {"type": "string", "format": "binary"}}}}
    },
)
@ratelimit(scope="webhook-email", rate_setting="ANXIN_WEBHOOK_RATE")
def email_webhook(
    request: HttpRequest,
    x_anxin_timestamp: str | None = Header(None, alias="X-Anxin-Timestamp"),
    x_anxin_signature: str | None = Header(None, alias="X-Anxin-Signature"),
) -> Status:
    """The mail gateway posts each inbound message as raw RFC 822 bytes (attachments included)."""
    verify_signature(
        secret=settings.ANXIN_MAIL_WEBHOOK_SECRET,
        timestamp=x_anxin_timestamp,
        signature=x_anxin_signature,
        body=request.body,
    )
    if not request.body.strip():
        raise ValidationFailed(gettext("请求正文应为原始 RFC 822 邮件"), field="body", code="empty_message")
    return _ack(request_submit(request=repair_request_from_email(request.body)))


def _catalogue_name(entry: object | None) -> str:
    return getattr(entry, "name", "") if entry is not None else ""


def _parse_social(body: bytes) -> SocialMessageIn:
    try:
        return SocialMessageIn.model_validate_json(body)
    except ValidationError as exc:
        error = input_error_from_pydantic(list(exc.errors()))
        if error.status == 400:
            raise BadRequest(error.detail, code=error.code) from exc
        raise ValidationFailed(error.detail, field=error.field, code=error.code) from exc

"""The message a customer gets when a request is accepted: the order number and a tracking link."""

from __future__ import annotations

from anxin.notifications.models import Notification
from anxin.notifications.services import email_send, sms_send
from anxin.workorders.models import WorkOrder
from anxin.workorders.presenters import tracking_url


def acknowledgement_send(*, order_id: int, linked: bool) -> Notification | None:
    order = WorkOrder.objects.select_related("customer").filter(pk=order_id).first()
    if order is None:
        return None
    kind = "ack_linked" if linked else "ack"
    # Idempotent: a retried task does not text the customer twice for the same event.
    if not linked and Notification.objects.filter(order=order, kind=kind, error="").exists():
        return None
    if linked:
        text = (
            f"【安心】您的报修已合并到处理中的工单 {order.number}，无需重复提交。进度：{tracking_url(order)}"
        )
    else:
        text = f"【安心】您的报修已受理，工单号 {order.number}。我们将在30分钟内为您确认技师。进度：{tracking_url(order)}"
    phone = order.contact_phone or order.customer.phone
    if phone:
        return sms_send(kind=kind, phone=phone, text=text, order=order)
    if order.customer.email:
        return email_send(
            kind=kind,
            address=order.customer.email,
            subject=f"报修已受理 {order.number}",
            text=text,
            order=order,
        )
    return None

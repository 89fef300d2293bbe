"""The "arriving in about N minutes" SMS (sent once per order, claimed in services.arriving_sms_claim)."""

from __future__ import annotations

from anxin.core.masking import mask_name
from anxin.notifications.customer_messages import message_render
from anxin.notifications.models import Notification
from anxin.notifications.services import email_send, sms_send
from anxin.workorders.models import WorkOrder
from anxin.workorders.presenters import tracking_url


def arriving_sms_send(*, order_id: int, minutes: int) -> Notification | None:
    order = WorkOrder.objects.select_related("customer", "technician__user").filter(pk=order_id).first()
    if order is None or order.customer.messages_opted_out:
        return None
    technician = order.technician
    text = message_render(
        kind="arriving",
        language=order.customer.language,
        number=order.number,
        technician=f" {mask_name(str(technician.user))}（{technician.employee_no}）" if technician else "",
        minutes=str(minutes),
        link=tracking_url(order),
    )
    phone = order.contact_phone or order.customer.phone
    if phone:
        return sms_send(kind="arriving", phone=phone, text=text, order=order)
    if order.customer.email:
        return email_send(
            kind="arriving", address=order.customer.email, subject=order.number, text=text, order=order
        )
    return None

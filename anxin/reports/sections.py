"""What the service report says, one function per section, each taking the order.

Every section reads through the owning app's selector and returns plain data (or None / an empty
list when there is nothing to say: the template then prints nothing for it, never a placeholder).
Personal data leaves here already masked: the PDF goes to the customer and to brand staff, and is
kept for years, so it carries no more than the order page shows them.

Sections whose data lives in apps built in the second round of issue #12 (visits: checklist,
assessment, diagnosis, signature, advice; parts: parts used; pricing: quote and payment) return
nothing yet; each says which reader plugs in there.
"""

from __future__ import annotations

import base64
import datetime as dt
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext

from anxin.areas.tree import get_tree
from anxin.core.exceptions import ValidationFailed
from anxin.core.images import image_ingest
from anxin.core.masking import mask_name, mask_phone
from anxin.workorders.choices import Event
from anxin.workorders.models import WorkOrder
from anxin.workorders.selectors import workorder_photos

# Photos print 60 mm wide at most: 640 px is ~270 dpi there. JPEGs decode at 1/4 or 1/2 scale (libjpeg
# DCT scaling through image_ingest's draft), so a 12-megapixel phone photo costs a fraction of a full decode.
PHOTO_EDGE = 640
PHOTO_LIMIT = 12


@dataclass(frozen=True)
class Header:
    brand: str
    number: str
    status: str
    created_at: dt.datetime
    completed_at: dt.datetime | None
    issued_at: dt.datetime
    verify_url: str
    verify_hint: str


@dataclass(frozen=True)
class Device:
    category: str
    model: str
    serial: str  # masked: the last four characters
    in_warranty: bool | None


@dataclass(frozen=True)
class Customer:
    name: str
    phone: str
    district: str  # province / city / county only: never the street address


@dataclass(frozen=True)
class Technician:
    name: str
    employee_no: str
    service_point: str


@dataclass(frozen=True)
class Photo:
    data_uri: str
    caption: str


@dataclass(frozen=True)
class ReportContent:
    """Everything one PDF shows; ``None``/empty sections are left out of the page."""

    header: Header
    device: Device | None
    customer: Customer
    technician: Technician | None
    checklist: object | None = None
    assessment: object | None = None
    diagnosis: object | None = None
    parts: list[object] = field(default_factory=list)
    pricing: object | None = None
    photos: list[Photo] = field(default_factory=list)
    signature: object | None = None
    advice: list[object] = field(default_factory=list)


def mask_serial(serial: str) -> str:
    serial = serial.strip()
    if len(serial) <= 4:
        return "*" * len(serial)
    return "*" * (len(serial) - 4) + serial[-4:]


def section_header(order: WorkOrder, *, issued_at: dt.datetime | None = None) -> Header:
    completed = order.events.filter(event=Event.COMPLETE).aggregate(at=Max("created_at"))["at"]
    return Header(
        brand=order.brand.name if order.brand else gettext("未识别品牌"),
        number=order.number,
        status=order.get_status_display(),
        created_at=order.created_at,
        completed_at=completed,
        issued_at=issued_at or timezone.now(),
        verify_url=settings.ANXIN_PUBLIC_URL + reverse("portal:verify"),
        verify_hint=gettext("核验技师工号或客服电话，请访问"),
    )


def section_device(order: WorkOrder) -> Device | None:
    device = order.device
    if device is None and order.category is None:
        return None
    model = device.product_model if device else None
    return Device(
        category=order.category.name if order.category else "",
        model=f"{model.code} {model.name}".strip() if model else "",
        serial=mask_serial(device.serial_number) if device else "",
        in_warranty=order.in_warranty,
    )


def section_customer(order: WorkOrder) -> Customer:
    """Masked name and phone, and the district only (the tree's names down to the county)."""
    district = get_tree().name_path(order.county_code).replace("/", " ") if order.county_code else ""
    return Customer(
        name=mask_name(order.contact_name),
        phone=mask_phone(order.contact_phone),
        district=district,
    )


def section_technician(order: WorkOrder) -> Technician | None:
    technician = order.technician
    if technician is None:
        return None
    return Technician(
        name=mask_name(str(technician.user)),
        employee_no=technician.employee_no,
        service_point=technician.service_point.name,
    )


def section_checklist(order: WorkOrder) -> object | None:
    """Checklist results: second round, ``anxin.visits`` ``visit_summary_for(order)``."""
    del order
    return None


def section_assessment(order: WorkOrder) -> object | None:
    """Security assessment (safes, gas water heaters): second round, from ``visit_summary_for(order)``."""
    del order
    return None


def section_diagnosis(order: WorkOrder) -> object | None:
    """Fault codes and cause: second round, from ``visit_summary_for(order)``."""
    del order
    return None


def section_parts(order: WorkOrder) -> list[object]:
    """Parts fitted and removed, with serials: second round, ``anxin.parts`` ``order_parts_used``."""
    del order
    return []


def section_pricing(order: WorkOrder) -> object | None:
    """Quote lines and payments: second round, ``anxin.pricing`` ``quote_current`` / ``order_payments``."""
    del order
    return None


def section_signature(order: WorkOrder) -> object | None:
    """The customer's signature image: second round, from the approval (pricing) or the visit."""
    del order
    return None


def section_advice(order: WorkOrder) -> list[object]:
    """Advice after the repair: second round, from ``visit_summary_for(order)``."""
    del order
    return []


def section_photos(order: WorkOrder) -> list[Photo]:
    """The order's pictures, shrunk by Pillow before they reach the PDF (a report with 6 stays < 1 s)."""
    photos = []
    for number, attachment in enumerate(workorder_photos(order=order)[:PHOTO_LIMIT], start=1):
        with attachment.file.open("rb") as f:
            data = f.read()
        try:
            small = image_ingest(data, field="photo", long_edge=PHOTO_EDGE, reencode=True)
        except ValidationFailed:
            continue  # stored before the image checks existed and not a readable picture: left out
        encoded = base64.b64encode(small.data).decode("ascii")
        photos.append(
            Photo(
                data_uri=f"data:{small.content_type};base64,{encoded}",
                caption=gettext("照片 %(n)s") % {"n": number},
            )
        )
    return photos


def report_content(order: WorkOrder, *, issued_at: dt.datetime | None = None) -> ReportContent:
    return ReportContent(
        header=section_header(order, issued_at=issued_at),
        device=section_device(order),
        customer=section_customer(order),
        technician=section_technician(order),
        checklist=section_checklist(order),
        assessment=section_assessment(order),
        diagnosis=section_diagnosis(order),
        parts=section_parts(order),
        pricing=section_pricing(order),
        photos=section_photos(order),
        signature=section_signature(order),
        advice=section_advice(order),
    )

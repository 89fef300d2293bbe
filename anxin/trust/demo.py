"""Demo data for the badge and /verify/: technicians' photos (drawn here, no files shipped), the brands'
and the platform's official web addresses, and one reported fake number for the review page.

Safe to run again: it only adds what is missing.
"""

from __future__ import annotations

import io

from django.db import transaction
from PIL import Image, ImageDraw

from anxin.catalog.models import Brand
from anxin.network.models import Technician
from anxin.network.services import technician_photo_set
from anxin.trust.choices import ChannelKind
from anxin.trust.models import OfficialChannel, SuspectChannel
from anxin.trust.services import ReportInput, official_channel_save, report_submit

# Reserved for examples (RFC 2606): the demo never points at anyone's real site.
OFFICIAL_WEB = [
    (None, "https://www.anxin.example/", "安心售后官网"),
    ("lechuang", "https://www.lechuang.example/service", "乐创官方服务页"),
    ("qianbaishi", "https://service.qianbaishi.example/", "千百饰售后服务"),
    ("changerte", "https://www.changerte.example/", "昌尔特官网"),
]
_COLOURS = ["#0a6e5c", "#1d4ed8", "#b45309", "#7c3aed", "#be123c", "#0f766e"]


def avatar_png(*, seed: int) -> bytes:
    """A plain head-and-shoulders figure on a coloured card: clearly a placeholder, never a real face."""
    image = Image.new("RGB", (240, 300), _COLOURS[seed % len(_COLOURS)])
    draw = ImageDraw.Draw(image)
    draw.ellipse((75, 50, 165, 150), fill="#f1e0c5")  # head
    draw.rounded_rectangle((40, 165, 200, 320), radius=60, fill="#e5e7eb")  # shoulders in a work shirt
    draw.rectangle((110, 165, 130, 230), fill="#0a6e5c")  # the collar stripe
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


@transaction.atomic
def trust_demo_load() -> None:
    for technician in Technician.objects.filter(photo="").order_by("pk"):
        technician_photo_set(technician=technician, data=avatar_png(seed=technician.pk))
    brands = {b.code: b for b in Brand.objects.all()}
    for code, url, label in OFFICIAL_WEB:
        if code is not None and code not in brands:
            continue
        if not OfficialChannel.objects.filter(kind=ChannelKind.WEB, value=url).exists():
            official_channel_save(
                channel=OfficialChannel(
                    brand=brands.get(code or ""), kind=ChannelKind.WEB, value=url, label=label
                )
            )
    if not SuspectChannel.objects.exists() and "lechuang" in brands:
        report_submit(
            data=ReportInput(
                kind=ChannelKind.PHONE,
                value="400-600-1234",
                where_seen="search",
                brand_code="lechuang",
                note="搜索“乐创维修”排第一，接通后要求先转 50 元上门费到个人微信",
            )
        )

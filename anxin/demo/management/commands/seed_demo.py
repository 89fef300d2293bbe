"""Demo data that looks like the real thing; safe to run again (it only adds what is missing).

It creates staff logins with a published password, so it runs only in the demo: DEBUG on and
ANXIN_ENV not production (`make run` sets DEBUG). Production refuses to start while they exist.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from anxin.accounts.choices import Role
from anxin.accounts.models import User
from anxin.catalog.models import Brand, ProductCategory, ProductModel
from anxin.demo.visits import demo_visit_complete, demo_visit_to_quote
from anxin.dispatch.selectors import offer_pending_of
from anxin.dispatch.services import dispatch_reassign, offer_accept
from anxin.intake.services import RepairRequest, request_submit
from anxin.live.services import arrival_code_for, arrival_confirm
from anxin.network.models import ServicePoint, Technician
from anxin.network.services import coverage_import
from anxin.parts.demo import parts_demo_load
from anxin.pricing.demo import pricing_demo_load
from anxin.trust.demo import trust_demo_load
from anxin.visits.demo import visits_demo_load
from anxin.workorders.choices import Channel, Event
from anxin.workorders.models import WorkOrder
from anxin.workorders.services import workorder_transition

DEMO_PASSWORD = "anxin-demo"
# Steps past the arrival are the visit, recorded through its services (anxin/demo/visits.py): the
# diagnosis, quote, repair and completion are guarded and cannot be bare status changes.
VISIT_TO_QUOTE = "visit_to_quote"
VISIT_COMPLETE = "visit_complete"

BRANDS = [
    # code, name, hotline, 24h, category (code, name), models
    (
        "lechuang",
        "乐创",
        "400-881-6088",
        True,
        ("disinfection-cabinet", "消毒柜"),
        [("ZTP-108A", "嵌入式消毒柜 108L"), ("ZTP-168", "立式消毒柜 168L")],
    ),
    (
        "qianbaishi",
        "千百饰",
        "400-998-7766",
        False,
        ("safe", "保险柜"),
        [("BGX-45D", "电子密码保险柜 45cm"), ("FDG-60F", "指纹保险柜 60cm")],
    ),
    (
        "changerte",
        "昌尔特",
        "400-600-3322",
        True,
        ("water-heater", "热水器"),
        [("CRT-60D", "电热水器 60L"), ("CRT-JSQ24", "燃气热水器 12L")],
    ),
]

# The catalogue's names in English (shown when the reader chose English).
ENGLISH_NAMES = {
    "乐创": "Lechuang",
    "千百饰": "Qianbaishi",
    "昌尔特": "Changerte",
    "消毒柜": "Disinfection cabinet",
    "保险柜": "Safe",
    "热水器": "Water heater",
    "北京朝阳网点": "Beijing Chaoyang service point",
    "上海徐汇网点": "Shanghai Xuhui service point",
    "达州通川网点": "Dazhou Tongchuan service point",
    "东莞虎门网点": "Dongguan Humen service point",
}

SERVICE_POINTS = [
    # name, address, county, lat, lng, phone, 24h, coverage (as the brands' pages list it)
    (
        "北京朝阳网点",
        "北京市朝阳区建国路88号",
        "110105",
        39.908,
        116.47,
        "010-8588-1200",
        True,
        "北京市朝阳区、北京市东城区、北京市通州区",
    ),
    (
        "上海徐汇网点",
        "上海市徐汇区漕溪北路200号",
        "310104",
        31.19,
        121.44,
        "021-6438-0099",
        False,
        "上海市徐汇区、上海市闵行区、上海市长宁区",
    ),
    (
        "达州通川网点",
        "四川省达州市通川区朝阳东路15号",
        "511702",
        31.21,
        107.50,
        "0818-212-3456",
        False,
        "达州市通川区、达州市达川区、甘孜石渠县",
    ),
    (
        "东莞虎门网点",
        "广东省东莞市虎门镇连升路9号",
        "441900",
        22.82,
        113.67,
        "0769-8518-2233",
        True,
        "东莞市虎门镇、东莞市长安镇、中山市港口镇",
    ),
]

TECHNICIANS = [
    ("tech1", "王师傅", "T1001", "北京朝阳网点", ["lechuang", "changerte"]),
    ("tech2", "李师傅", "T1002", "北京朝阳网点", ["qianbaishi"]),
    ("tech3", "张师傅", "T2001", "上海徐汇网点", ["lechuang", "qianbaishi", "changerte"]),
    ("tech4", "陈师傅", "T3001", "达州通川网点", ["changerte"]),
    ("tech5", "刘师傅", "T4001", "东莞虎门网点", ["lechuang", "changerte"]),
]

STAFF = [
    ("admin", "平台管理员", Role.ADMIN, []),
    ("agent", "坐席小周", Role.AGENT, []),
    ("dispatcher", "调度老孙", Role.DISPATCHER, []),
    ("lechuang", "乐创售后", Role.BRAND_STAFF, ["lechuang"]),
    ("qianbaishi", "千百饰售后", Role.BRAND_STAFF, ["qianbaishi"]),
]

ORDERS = [
    # phone, name, address, brand, category, model, serial, purchase, description, channel, events
    (
        "13800138000",
        "张伟",
        "北京市朝阳区建国路88号院3号楼1201",
        "乐创",
        "消毒柜",
        "ZTP-108A",
        "LC2024060011",
        dt.date(2026, 3, 1),
        "消毒柜不加热，指示灯闪烁",
        Channel.HOTLINE,
        [],
    ),
    (
        "13911112222",
        "李娜",
        "上海市徐汇区漕溪北路595号",
        "昌尔特",
        "热水器",
        "CRT-60D",
        "CE2023110456",
        dt.date(2023, 11, 20),
        "热水器漏水，底部有水渍",
        Channel.WEB,
        [Event.ACCEPT, (Event.DISPATCH, "T2001")],
    ),
    (
        "13722223333",
        "王芳",
        "北京市朝阳区三里屯路19号",
        "千百饰",
        "保险柜",
        "BGX-45D",
        "QB2025010077",
        dt.date(2025, 1, 15),
        "密码正确但打不开柜门",
        Channel.API,
        [Event.ACCEPT, (Event.DISPATCH, "T1002"), Event.TECHNICIAN_ACCEPT, Event.DEPART, Event.ARRIVE],
    ),
    (
        "13633334444",
        "刘洋",
        "四川省达州市通川区西外镇金龙大道100号",
        "昌尔特",
        "热水器",
        "CRT-JSQ24",
        "",
        None,
        "燃气热水器打不着火",
        Channel.SOCIAL,
        [
            Event.ACCEPT,
            (Event.DISPATCH, "T3001"),
            Event.TECHNICIAN_ACCEPT,
            Event.DEPART,
            Event.ARRIVE,
            VISIT_TO_QUOTE,
        ],
    ),
    (
        "13544445555",
        "陈静",
        "广东省东莞市虎门镇太沙路8号",
        "乐创",
        "消毒柜",
        "ZTP-168",
        "LC2022030099",
        dt.date(2022, 3, 9),
        "消毒柜门关不严",
        Channel.EMAIL,
        [
            Event.ACCEPT,
            (Event.DISPATCH, "T4001"),
            Event.TECHNICIAN_ACCEPT,
            Event.DEPART,
            Event.ARRIVE,
            VISIT_COMPLETE,
        ],
    ),
    ("13455556666", "", "火星基地1号", "某某牌", "", "", "", None, "", Channel.WEB, []),
]


def demo_usernames() -> list[str]:
    return [row[0] for row in STAFF] + [row[0] for row in TECHNICIANS]


def demo_logins_present() -> list[str]:
    """User names of demo accounts that still accept the demo password."""
    return [
        user.username
        for user in User.objects.filter(username__in=demo_usernames(), is_active=True)
        if user.check_password(DEMO_PASSWORD)
    ]


class Command(BaseCommand):
    help = (
        "Load demo brands, staff, service points, technicians and orders (idempotent). Demo only (DEBUG on)."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEBUG or settings.ANXIN_ENV == "production":
            raise CommandError(
                "seed_demo creates logins with a published password: it runs only with DEBUG on and "
                "ANXIN_ENV not production (use `make run` for the demo)."
            )
        self._load()
        self.stdout.write(
            self.style.WARNING(
                "DEMO MODE — never expose this server. Staff logins "
                f"({', '.join(demo_usernames())}) share the password '{DEMO_PASSWORD}'; webhook secrets: "
                f"ANXIN_SOCIAL_WEBHOOK_SECRET={settings.ANXIN_SOCIAL_WEBHOOK_SECRET!r}, "
                f"ANXIN_MAIL_WEBHOOK_SECRET={settings.ANXIN_MAIL_WEBHOOK_SECRET!r}."
            )
        )

    @transaction.atomic
    def _load(self) -> None:
        brands = {}
        for code, name, hotline, h24, (cat_code, cat_name), models in BRANDS:
            brand, _ = Brand.objects.get_or_create(
                code=code,
                defaults={
                    "name": name,
                    "name_en": ENGLISH_NAMES.get(name, ""),
                    "hotline": hotline,
                    "hotline_24h": h24,
                },
            )
            category, _ = ProductCategory.objects.get_or_create(
                code=cat_code, defaults={"name": cat_name, "name_en": ENGLISH_NAMES.get(cat_name, "")}
            )
            for model_code, model_name in models:
                ProductModel.objects.get_or_create(
                    brand=brand, code=model_code, defaults={"category": category, "name": model_name}
                )
            brands[code] = (brand, category)

        for username, display, role, brand_codes in STAFF:
            user = self._user(
                username, display, role, is_staff=role == Role.ADMIN, is_superuser=role == Role.ADMIN
            )
            user.brands.set([brands[c][0] for c in brand_codes])

        points = {}
        admin = User.objects.get(username="admin")
        for name, address, county, lat, lng, phone, h24, coverage in SERVICE_POINTS:
            point, _ = ServicePoint.objects.get_or_create(
                name=name,
                defaults={
                    "name_en": ENGLISH_NAMES.get(name, ""),
                    "address": address,
                    "county_code": county,
                    "latitude": lat,
                    "longitude": lng,
                    "phone": phone,
                    "open_24h": h24,
                    "opening_hours": "" if h24 else "08:30-12:00,13:30-18:00",
                },
            )
            point.brands.set([b for b, _ in brands.values()])
            point.categories.set([c for _, c in brands.values()])
            if not point.coverage.exists():
                coverage_import(actor=admin, service_point=point, text=coverage)
            points[name] = point

        for username, display, employee_no, point_name, skills in TECHNICIANS:
            user = self._user(username, display, Role.TECHNICIAN)
            tech, _ = Technician.objects.get_or_create(
                user=user, defaults={"service_point": points[point_name], "employee_no": employee_no}
            )
            tech.brands.set([brands[c][0] for c in skills])
            tech.categories.set([brands[c][1] for c in skills])

        # The visit's standards and fault codes, then parts (codes, stock) and the price lists built on them.
        visits_demo_load()
        parts_demo_load()
        pricing_demo_load()
        trust_demo_load()  # badge photos, official web addresses, a reported fake number

        if WorkOrder.objects.exists():
            self.stdout.write("demo orders already present; left as they are")
            return
        dispatcher = User.objects.get(username="dispatcher")
        for (
            phone,
            name,
            address,
            brand_name,
            category_name,
            model,
            serial,
            purchase,
            description,
            channel,
            events,
        ) in ORDERS:
            result = request_submit(
                request=RepairRequest(
                    channel=channel,
                    phone=phone,
                    name=name,
                    address=address,
                    brand=brand_name,
                    category=category_name,
                    model=model,
                    serial_number=serial,
                    purchase_date=purchase,
                    description=description,
                )
            )
            order = result.order
            for step in events:
                self._step(order, step, dispatcher)
        self.stdout.write(self.style.SUCCESS("demo data loaded"))

    def _step(self, order: WorkOrder, step: Any, dispatcher: User) -> None:
        """One demo event. Dispatch and acceptance go through the offer loop, so a dispatched demo order has a
        live offer its technician can accept (and the sweep can re-offer), never a bare status."""
        event, employee_no = step if isinstance(step, tuple) else (step, "")
        technician = Technician.objects.get(employee_no=employee_no) if employee_no else None
        if event == VISIT_TO_QUOTE:
            demo_visit_to_quote(order=order)
        elif event == VISIT_COMPLETE:
            demo_visit_complete(order=order)
        elif event == Event.DISPATCH and technician is not None:
            dispatch_reassign(order=order, technician=technician, actor=dispatcher)
        elif event == Event.TECHNICIAN_ACCEPT and (offer := offer_pending_of(order=order)) is not None:
            offer_accept(offer=offer, actor=offer.technician.user)
        elif event == Event.ARRIVE:  # the demo customer tells the technician the code at the door
            arrival_confirm(order=order, code=arrival_code_for(order=order).code, actor=dispatcher)
        else:
            workorder_transition(
                order=order, event=event, actor=dispatcher, technician=technician, note="演示数据"
            )
        order.refresh_from_db()

    def _user(
        self, username: str, display: str, role: str, *, is_staff: bool = False, is_superuser: bool = False
    ) -> User:
        user, created = User.objects.get_or_create(
            username=username,
            defaults={
                "display_name": display,
                "role": role,
                "is_staff": is_staff,
                "is_superuser": is_superuser,
            },
        )
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save()
        return user

"""One language per screen: every page, for every role, in Chinese has no English sentence and in
English no untranslated Chinese outside proper names (the customer's own words, catalogue names
without an English name, addresses).

Pages are rendered with the test client; tags, scripts, styles and attribute values are stripped,
then the visible text is searched. Allowed: product names and codes, numbers, order numbers, and
the proper names listed below.
"""

from __future__ import annotations

import html
import re

import pytest
from django.test import Client

from anxin.core.masking import mask_address, mask_name
from anxin.evidence.tests.factories import make_buyer, make_claim
from anxin.workorders.choices import Event
from anxin.workorders.services import workorder_transition
from anxin.workorders.tests.factories import order_file

# Proper names that stay as they are in either language.
ALLOWED_LATIN = {"Anxin", "English", "SLA", "SN", "API", "JavaScript", "Leaflet", "OpenStreetMap"}
ALLOWED_CJK = {"简体中文", "安心"}
# The test's own data: names, addresses and descriptions typed by customers are never translated.
DATA_CJK = {"乐创", "消毒柜", "张伟", "北京市朝阳区建国路88号", "消毒柜不加热", "北京朝阳网点"}

ENGLISH_SENTENCE = re.compile(r"\b[A-Za-z][a-z]+(?:[ ,'-]+[A-Za-z][a-z]+){2,}")
CJK_RUN = re.compile(r"[\u3400-\u9fff]+")


def visible_text(page: str) -> str:
    page = re.sub(r"(?is)<(script|style|template)\b.*?</\1>", " ", page)
    # Stored text (timeline notes written once in the site's language) is data, like a customer's words.
    page = re.sub(r"(?is)<div[^>]*\bdata-stored-text\b[^>]*>.*?</div>", " ", page)
    page = re.sub(r"(?s)<!--.*?-->", " ", page)
    page = re.sub(r"(?s)<[^>]+>", " ", page)
    return html.unescape(page)


def english_sentences(text: str) -> list[str]:
    found = []
    for match in ENGLISH_SENTENCE.finditer(text):
        words = set(re.findall(r"[A-Za-z]+", match.group()))
        if not words <= ALLOWED_LATIN:
            found.append(match.group())
    return found


def untranslated_chinese(text: str, allowed: set[str]) -> list[str]:
    for name in sorted(allowed, key=len, reverse=True):
        text = text.replace(name, " ")
    return CJK_RUN.findall(text)


@pytest.fixture
def world(db, brand, category, technician, dispatcher):
    order = order_file(phone="13800138000")
    workorder_transition(order=order, event=Event.ACCEPT, actor=dispatcher)
    buyer = make_buyer()
    claim = make_claim(buyer=buyer, brand=brand)
    return {"order": order, "claim": claim, "buyer": buyer}


def pages_for(role: str, world: dict) -> list[str]:
    order, claim = world["order"], world["claim"]
    public = ["/", "/repair/", "/verify/", "/accounts/customer-login/", "/accounts/login/"]
    by_role = {
        "anonymous": [*public, f"/track/{order.number}/?t={order.tracking_token}"],
        "customer": ["/my/", "/claims/new/", f"/claims/{claim.number}/"],
        "agent": ["/orders/", f"/orders/{order.number}/", "/console/", "/areas/lookup/", "/claims/queue/"],
        "dispatcher": ["/orders/", f"/orders/{order.number}/", "/dispatch/board/", "/areas/service-points/"],
        "technician": ["/dispatch/me/"],
        "brand_staff": ["/orders/", "/claims/queue/", f"/claims/{claim.number}/"],
    }
    return by_role[role]


def client_for(role: str, request, world: dict, language: str) -> Client:
    client = Client()
    if role == "customer":
        client.force_login(world["buyer"])
    elif role != "anonymous":
        user = request.getfixturevalue(role)
        client.force_login(getattr(user, "user", user))
    client.post("/i18n/setlang/", {"language": language, "next": "/"})
    return client


ROLES = ["anonymous", "customer", "agent", "dispatcher", "technician", "brand_staff"]


@pytest.mark.parametrize("role", ROLES)
def test_chinese_pages_have_no_english_sentences(role, request, world):
    client = client_for(role, request, world, "zh-hans")
    problems = {}
    for url in pages_for(role, world):
        response = client.get(url)
        assert response.status_code == 200, url
        found = english_sentences(visible_text(response.content.decode()))
        if found:
            problems[url] = found[:5]
    assert problems == {}


@pytest.mark.parametrize("role", ROLES)
def test_english_pages_have_no_untranslated_chinese(role, request, world):
    client = client_for(role, request, world, "en")
    masked = {mask_name("张伟"), mask_address("北京市朝阳区建国路88号")}
    allowed = ALLOWED_CJK | DATA_CJK | masked | {str(world["buyer"])}
    problems = {}
    for url in pages_for(role, world):
        response = client.get(url)
        assert response.status_code == 200, url
        found = untranslated_chinese(visible_text(response.content.decode()), allowed)
        if found:
            problems[url] = found[:8]
    assert problems == {}

"""Web addresses reduced to their site, and lookalikes of an official one."""

from __future__ import annotations

import pytest

from anxin.trust.addresses import (
    WebAddress,
    phone_digits,
    web_address_imitates,
    web_address_matches,
    web_address_parse,
)


def _parse(text: str) -> WebAddress:
    address = web_address_parse(text)
    assert address is not None, text
    return address


OFFICIAL = _parse("https://www.lechuang.com/")


@pytest.mark.parametrize(
    "text, normalized",
    [
        ("lechuang.com", "lechuang.com"),
        ("https://www.LeChuang.com/", "lechuang.com"),
        ("http://m.lechuang.com/Service/?x=1#top", "lechuang.com/service"),
        ("lechuang.com.", "lechuang.com"),
        ("https://lechuang.com@evil.cn/pay", "evil.cn/pay"),
        ("lechuаng.com", "xn--lechung-6fg.com"),  # a Cyrillic а
        ("乐创.中国", "xn--fjq55g.xn--fiqs8s"),
    ],
)
def test_an_address_is_reduced_to_its_host_and_path(text, normalized):
    assert _parse(text).normalized == normalized


@pytest.mark.parametrize(
    "text", ["", "T1001", "13800138000", "hello world.com", "http://[::1]/", "http://a b.com"]
)
def test_text_that_is_not_an_address_is_none(text):
    assert web_address_parse(text) is None


@pytest.mark.parametrize("text", ["lechuang.com", "https://service.lechuang.com/a", "WWW.LECHUANG.COM"])
def test_the_official_site_its_pages_and_subdomains_match(text):
    assert web_address_matches(_parse(text), OFFICIAL)


@pytest.mark.parametrize(
    "text",
    [
        "lechuаng.com",  # Cyrillic а
        "1echuang.com",  # digit one for l
        "lechuamg.com",  # one letter off
        "lechuang.cn",  # another top-level domain
        "lechuang.com.evil.cn",  # our name as a label
        "lechuang-service.cn",  # our name inside a label
        "https://lechuang.com@evil.cn/",  # our name before the @
    ],
)
def test_lookalikes_imitate_the_official_site(text):
    address = _parse(text)
    assert not web_address_matches(address, OFFICIAL)
    assert web_address_imitates(address, OFFICIAL)


@pytest.mark.parametrize("text", ["example.org", "jd.com", "chuang.cn"])
def test_unrelated_sites_are_neither(text):
    address = _parse(text)
    assert not web_address_matches(address, OFFICIAL) and not web_address_imitates(address, OFFICIAL)


def test_a_path_bound_official_channel_matches_only_below_its_path():
    official = _parse("https://weibo.com/lechuang")

    assert web_address_matches(_parse("weibo.com/lechuang/posts"), official)
    assert not web_address_matches(_parse("weibo.com/lechuangfake"), official)


@pytest.mark.parametrize(
    "text, digits",
    [
        ("400-600-1234", "4006001234"),
        ("+86 400 600 1234", "4006001234"),
        ("010-8888 6666", "01088886666"),
        ("+86 10 8888 6666", "01088886666"),
        ("+86 (0)10 8888 6666", "01088886666"),
        ("0086 755 1234 5678", "075512345678"),
        ("+86 138 0013 8000", "13800138000"),
        ("13800138000", "13800138000"),
    ],
)
def test_a_phone_number_has_one_spelling_of_digits(text, digits):
    assert phone_digits(text) == digits

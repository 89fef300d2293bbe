"""Phone numbers and web addresses as people paste them, reduced to what identifies a site, and lookalikes of ours.

Pure functions (no database): services.py compares their output with the official channels.

``lechuang.com``, ``https://www.LeChuang.com/``, ``http://m.lechuang.com/service?x=1`` and
``lechuang.com.`` are one site. What people paste also hides tricks, which the normal form undoes:

* user info before the host: ``https://lechuang.com@evil.cn/`` goes to ``evil.cn``;
* Unicode hosts are compared in their ASCII (punycode, ``xn--``) form, and a host that mixes scripts or
  whose letters only *look* like ours (``lechuаng.com`` with a Cyrillic а, ``1echuang.com``) is a lookalike;
* our name as a label of someone else's domain (``lechuang.com.evil.cn``, ``lechuang-service.cn``).
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from urllib.parse import urlsplit

from anxin.core.masking import normalize_phone

# Prefixes that mark the same site, not another one.
_SAME_SITE_PREFIXES = ("www.", "m.", "wap.")
# Characters (after NFKC and lower-casing) that are drawn like an ASCII letter or digit.
_CONFUSABLES = str.maketrans(
    {
        "0": "o",
        "1": "l",
        "3": "e",
        "5": "s",
        "i": "l",
        "а": "a",  # Cyrillic
        "е": "e",
        "о": "o",
        "р": "p",
        "с": "c",
        "у": "y",
        "х": "x",
        "і": "l",
        "ӏ": "l",
        "ј": "j",
        "ԁ": "d",
        "ɡ": "g",
        "α": "a",  # Greek
        "ο": "o",
        "ν": "v",
        "ι": "l",
    }
)
_MULTI_CONFUSABLES = (("rn", "m"), ("vv", "w"), ("cl", "d"))


@dataclass(frozen=True)
class WebAddress:
    """A pasted address reduced to ``host`` (ASCII, no www.) and ``path`` (no trailing slash, no query)."""

    host: str
    path: str
    unicode_host: str  # as a person reads it (punycode decoded)
    userinfo: str = ""  # "lechuang.com" of "https://lechuang.com@evil.cn/": a disguise, never the site

    @property
    def normalized(self) -> str:
        return self.host + self.path

    @property
    def is_punycode(self) -> bool:
        return any(label.startswith("xn--") for label in self.host.split("."))


def web_address_parse(text: str) -> WebAddress | None:
    """The address's normal form, or None when the text holds no host (a number, a word, empty)."""
    text = text.strip()
    if not text or " " in text or "." not in text:
        return None
    if "://" not in text:
        text = "http://" + text.lstrip("/")
    try:
        parts = urlsplit(text)
        host = (parts.hostname or "").rstrip(".")
    except ValueError:
        return None
    if not host or "." not in host:
        return None
    try:
        ascii_host = host.encode("idna").decode("ascii").lower()
        unicode_host = ascii_host.encode("ascii").decode("idna")
    except UnicodeError:
        return None
    for prefix in _SAME_SITE_PREFIXES:
        if ascii_host.startswith(prefix) and ascii_host.count(".") > 1:
            ascii_host = ascii_host[len(prefix) :]
            unicode_host = unicode_host[len(prefix) :] if unicode_host.startswith(prefix) else unicode_host
            break
    path = parts.path.rstrip("/").lower()
    userinfo = parts.netloc.rpartition("@")[0].lower() if "@" in parts.netloc else ""
    return WebAddress(host=ascii_host, path=path, unicode_host=unicode_host, userinfo=userinfo)


def web_address_matches(address: WebAddress, official: WebAddress) -> bool:
    """The address is the official site or a page or subdomain of it (``service.lechuang.com``)."""
    same_site = address.host == official.host or address.host.endswith("." + official.host)
    return same_site and (not official.path or (address.path + "/").startswith(official.path + "/"))


def _skeleton(text: str) -> str:
    """What the text looks like: confusable characters folded to the ASCII ones they imitate."""
    folded = unicodedata.normalize("NFKC", text).lower().translate(_CONFUSABLES)
    for many, one in _MULTI_CONFUSABLES:
        folded = folded.replace(many, one)
    return "".join(ch for ch in folded if ch.isalnum())


def _site_name(host: str) -> str:
    """The label a person recognises: ``lechuang`` of ``lechuang.com`` or ``lechuang.com.cn``."""
    labels = host.split(".")
    if len(labels) >= 3 and labels[-2] in {"com", "net", "org", "gov", "edu"}:
        return labels[-3]
    return labels[-2] if len(labels) >= 2 else host


def _one_edit_apart(a: str, b: str) -> bool:
    if abs(len(a) - len(b)) > 1 or a == b:
        return False
    if len(a) > len(b):
        a, b = b, a
    i = 0
    while i < len(a) and a[i] == b[i]:
        i += 1
    return a[i + 1 :] == b[i + 1 :] if len(a) == len(b) else a[i:] == b[i + 1 :]


def web_address_imitates(address: WebAddress, official: WebAddress) -> bool:
    """Not the official site, but made to be mistaken for it.

    Our site's name drawn with lookalike characters or one letter off, or used as a label or part of a
    label of another domain.
    """
    if web_address_matches(address, official):
        return False
    ours = _skeleton(_site_name(official.host))
    if len(ours) < 4:  # too short to tell an imitation from a coincidence
        return False
    theirs = _skeleton(_site_name(address.unicode_host))
    if theirs == ours or _one_edit_apart(theirs, ours):
        return True
    disguises = [*address.unicode_host.split("."), address.userinfo]
    return any(ours in _skeleton(label) for label in disguises if label)


def phone_digits(text: str) -> str:
    """A phone number's digits as dialled inside China, whatever the spelling.

    ``normalize_phone`` drops +86 before a mobile only; here any +86/0086 goes, and the trunk 0 a
    landline loses after it comes back: "+86 10 8888 6666" is 01088886666, "+86 400 600 1234" 4006001234.
    """
    digits = normalize_phone(text)
    international = text.strip().startswith(("+86", "0086")) or (len(digits) > 11 and digits.startswith("86"))
    if international and digits.startswith("86") and len(digits) != 11:
        digits = digits[2:]
    if international and not (digits.startswith(("1", "400", "800")) and len(digits) in (10, 11)):
        digits = "0" + digits.lstrip("0")
    elif international and digits.startswith("1") and len(digits) != 11:
        digits = "0" + digits  # Beijing (10) and other area codes starting with 1 are shorter than mobiles
    return digits

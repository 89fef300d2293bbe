"""The Tabler subset (ADR 24) must render our pages exactly as the full stylesheet does.

Every main page of every role (the screenshot test's list) is loaded with the subset, then the same DOM gets
the full tabler.min.css instead, and the computed style of every element (and its ::before/::after) is
compared. A rule the subset dropped but a page needs shows up as the element and the property that
changed. Pseudo-class states (:hover, :focus) are not covered; the class check in tests/static is."""

from __future__ import annotations

import json

import pytest
from django.templatetags.static import static

from tests.browser.test_screenshots import _pages, world  # noqa: F401  (fixture)

pytestmark = pytest.mark.django_db(transaction=True)

# What a reader sees of an element: box, spacing, colours, type, layout (the full list is ~350 properties and
# too slow on a loaded machine; anything a dropped rule changes shows in one of these or in a box size).
PROPS = [
    "display",
    "position",
    "top",
    "left",
    "width",
    "height",
    "margin-top",
    "margin-right",
    "margin-bottom",
    "margin-left",
    "padding-top",
    "padding-right",
    "padding-bottom",
    "padding-left",
    "border-top-width",
    "border-bottom-width",
    "border-left-width",
    "border-top-style",
    "border-top-color",
    "border-left-color",
    "border-top-left-radius",
    "color",
    "background-color",
    "background-image",
    "font-size",
    "font-weight",
    "font-family",
    "line-height",
    "text-align",
    "text-decoration-line",
    "box-shadow",
    "opacity",
    "visibility",
    "flex-direction",
    "flex-wrap",
    "justify-content",
    "align-items",
    "gap",
    "grid-template-columns",
    "overflow-x",
    "white-space",
    "vertical-align",
    "list-style-type",
    "cursor",
    "z-index",
    "transform",
    "fill",
    "stroke",
    "stroke-width",
]

COMPARE = """async () => {
  const off = document.createElement('style');
  off.textContent = '*,*::before,*::after{transition:none!important;animation:none!important}';
  document.head.append(off);
  // Staff pages link the subset; customer pages carry it inline (<style id="css-tabler">).
  const link = document.querySelector('link[href*="tabler.subset"]');
  const inline = document.getElementById('css-tabler');
  if (!link && !inline) return ['no subset stylesheet on the page'];
  const name = el => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') +
    (typeof el.className === 'string' && el.className ? '.' + el.className.trim().split(/\\s+/).join('.') : '');
  const props = PROPS;
  const snap = () => [...document.querySelectorAll('body *')].map(el => [null, '::before', '::after'].map(p => {
    const s = getComputedStyle(el, p); const out = {};
    for (const prop of (p ? ['content', 'display', 'width', 'height', 'background-color', 'border-top-color'] : props))
      out[prop] = s.getPropertyValue(prop);
    return out;
  }));
  const before = snap();
  if (link) await new Promise((done, fail) => {
    const full = link.cloneNode(); full.href = link.href.replace('tabler.subset.css', 'tabler.min.css');
    full.onload = done; full.onerror = fail; link.replaceWith(full);
  });
  else inline.textContent = await (await fetch(FULL_URL)).text();
  const after = snap(); const elements = [...document.querySelectorAll('body *')]; const diffs = [];
  before.forEach((parts, i) => parts.forEach((style, k) => {
    for (const prop in style) if (after[i][k][prop] !== style[prop])
      diffs.push(`${name(elements[i])}${['', '::before', '::after'][k]} ${prop}: subset ${style[prop]} / full ${after[i][k][prop]}`);
  }));
  return diffs;
}"""


@pytest.mark.parametrize("width", [375, 1280])
def test_the_subset_renders_every_main_page_like_the_full_stylesheet(
    live_server,
    browser,
    login,
    world,  # noqa: F811  (the screenshot test's fixture)
    width,
):
    phone = width < 768
    differences = []
    for username, pages in _pages(world).items():
        context = browser.new_context(
            viewport={"width": width, "height": 900}, is_mobile=phone, has_touch=phone, locale="zh-CN"
        )
        page = context.new_page()
        if username:
            login(page, username, f"pw-{username}")
        for name, path in pages.items():
            if name == "admin":  # Django admin: Unfold's own stylesheet, not Tabler
                continue
            page.goto(live_server.url + path)
            page.wait_for_load_state("networkidle")
            script = COMPARE.replace("PROPS", json.dumps(PROPS)).replace(
                "FULL_URL", json.dumps(static("vendor/tabler/tabler.min.css"))
            )
            differences += [f"{username or 'visitor'} {name}: {d}" for d in page.evaluate(script)[:20]]
        context.close()
    assert not differences, "\n".join(differences[:80])

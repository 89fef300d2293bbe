"""`{% icon %}` and `{% status_badge %}`: accessible markup, and every status and used icon is covered."""

from __future__ import annotations

import re
from pathlib import Path

from django.conf import settings
from django.template import Context, Template

from anxin.core.icons import ICONS, SPRITE
from anxin.core.templatetags.ui import CLAIM_STATUS_BADGES, ORDER_STATUS_BADGES
from anxin.evidence.choices import ClaimStatus
from anxin.portal.navigation import NAV
from anxin.workorders.choices import Status


def render(source: str, **context) -> str:
    return Template("{% load ui %}" + source).render(Context(context))


def test_a_decorative_icon_is_hidden_from_screen_readers():
    html = render('{% icon "phone" %}')
    assert 'aria-hidden="true"' in html and 'role="img"' not in html
    assert 'href="/static/vendor/tabler-icons/sprite.svg#i-phone"' in html


def test_an_icon_with_a_label_is_announced_and_the_label_is_escaped():
    html = render('{% icon "x" label=label %}', label="关闭<b>")
    assert 'role="img"' in html and 'aria-label="关闭&lt;b&gt;"' in html and "aria-hidden" not in html


def test_a_status_badge_has_colour_icon_and_words():
    class Order:
        status = "awaiting_approval"

        def get_status_display(self) -> str:
            return "待客户确认报价"

    html = render("{% status_badge order %}", order=Order())
    assert "tone-warning" in html and "#i-hourglass" in html and "待客户确认报价" in html
    assert 'data-status="awaiting_approval"' in html


def test_a_bare_claim_status_takes_its_label_and_the_claim_table():
    html = render('{% status_badge "rejected" "已拒绝" kind="claim" %}')
    assert "tone-danger" in html and "已拒绝" in html


def test_every_work_order_and_claim_status_has_a_badge():
    assert set(ORDER_STATUS_BADGES) == set(Status.values)
    assert set(CLAIM_STATUS_BADGES) == set(ClaimStatus.values)


def test_every_icon_in_use_is_in_the_sprite():
    sprite = (Path(settings.BASE_DIR) / "static" / SPRITE).read_text(encoding="utf-8")
    in_sprite = set(re.findall(r'<symbol id="i-([a-z0-9-]+)"', sprite))
    used = {icon for table in (ORDER_STATUS_BADGES, CLAIM_STATUS_BADGES) for _, icon in table.values()}
    used |= {entry.icon for entries in NAV.values() for entry in entries}
    for template in Path(settings.BASE_DIR).glob("**/templates/**/*.html"):
        used |= set(re.findall(r'{%\s*icon\s+"([a-z0-9-]+)"', template.read_text(encoding="utf-8")))
    assert used <= set(ICONS), used - set(ICONS)
    assert set(ICONS) == in_sprite, "rebuild the sprite: manage.py build_icon_sprite"


def test_the_empty_state_says_what_to_do_next():
    html = Template(
        '{% include "partials/empty_state.html" with icon="clipboard-list" message="还没有工单" '
        'action_url="/repair/" action_label="在线报修" %}'
    ).render(Context())
    assert "#i-clipboard-list" in html and "还没有工单" in html
    assert 'href="/repair/"' in html and "在线报修" in html

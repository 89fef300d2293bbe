"""Customer texts: the anti-fraud payment reminder on the messages that announce a visit."""

from __future__ import annotations

import pytest

from anxin.notifications.customer_messages import KINDS, message_render

PARAMS = {
    "number": "WO20261203-000001",
    "link": "https://anxin.example/t/x",
    "when": "08:30",
    "technician": "王**",
    "window": "12-03 14:00-16:00",
    "code": "4821",
    "minutes": "5",
    "decision": "同意退款",
}
REMINDED = {"ack", "ack_after_hours", "accepted", "en_route", "arrived"}


@pytest.mark.parametrize("kind", sorted(REMINDED))
def test_messages_announcing_a_visit_remind_that_we_never_ask_for_payment_to_a_personal_account(kind):
    text = message_render(kind=kind, language="zh-hans", **PARAMS)

    assert text.startswith("【安心】") and text.endswith("平台从不要求向个人账户付款。")
    assert PARAMS["number"] in text
    assert f"{PARAMS['link']} 平台" in text  # a space ends the link before the reminder


@pytest.mark.parametrize("kind", sorted(set(KINDS) - REMINDED))
def test_other_messages_stay_short(kind):
    assert "个人账户" not in message_render(kind=kind, language="zh-hans", **PARAMS)

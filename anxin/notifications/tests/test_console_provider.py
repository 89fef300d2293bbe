"""The demo's console SMS provider: one-time codes stand out even when the console is quiet."""

from __future__ import annotations

import logging

from anxin.notifications.providers import ConsoleSmsProvider


def test_a_one_time_code_is_one_highlighted_warning_with_the_phone_masked(caplog):
    with caplog.at_level(logging.WARNING, logger="anxin.sms"):
        ConsoleSmsProvider().send(phone="13800138000", text="验证码 123456", reference=":otp")
    [record] = caplog.records
    assert record.levelno == logging.WARNING
    assert ">>>" in record.getMessage() and "123456" in record.getMessage()
    assert "13800138000" not in record.getMessage() and "138****8000" in record.getMessage()


def test_other_messages_are_info_so_a_quiet_console_does_not_show_them(caplog):
    with caplog.at_level(logging.WARNING, logger="anxin.sms"):
        ConsoleSmsProvider().send(phone="13800138000", text="工单已受理", reference="17:acknowledgement")
    assert caplog.records == []
    with caplog.at_level(logging.INFO, logger="anxin.sms"):
        ConsoleSmsProvider().send(phone="13800138000", text="工单已受理", reference="17:acknowledgement")
    assert [r.levelno for r in caplog.records] == [logging.INFO]

from __future__ import annotations

from pathlib import Path

import pytest


class Sms:
    """The file-sink provider: a switchable outage and a record of what was really sent."""

    def __init__(self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
        self.sink = tmp_path / "sms.txt"
        self.flag = tmp_path / "sms-down"
        monkeypatch.setenv("ANXIN_SMS_SINK_FILE", str(self.sink))
        monkeypatch.setenv("ANXIN_SMS_FAIL_FLAG", str(self.flag))

    def fail(self) -> None:
        self.flag.touch()

    def recover(self) -> None:
        self.flag.unlink(missing_ok=True)

    def sent(self) -> list[str]:
        return self.sink.read_text(encoding="utf-8").splitlines() if self.sink.exists() else []


@pytest.fixture
def sms(settings, tmp_path, monkeypatch) -> Sms:
    settings.ANXIN_SMS_PROVIDER = "anxin.notifications.providers.FileSinkSmsProvider"
    return Sms(tmp_path, monkeypatch)

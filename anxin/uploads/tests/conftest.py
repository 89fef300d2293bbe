"""A test purpose (``test_blob``) registered for these tests only: it records what complete() saw."""

from __future__ import annotations

from typing import Any

import pytest

from anxin.core.exceptions import NotFound, PermissionDenied
from anxin.uploads import purposes
from anxin.uploads.models import Upload
from anxin.uploads.selectors import upload_data


class Recorder:
    def __init__(self) -> None:
        self.completed: list[tuple[str, bytes]] = []
        self.authorized: list[tuple[str, dict[str, str]]] = []

    def authorize(self, actor: Any, target: str, metadata: dict[str, str]) -> None:
        if target == "forbidden":
            raise PermissionDenied("no")
        if target == "missing":
            raise NotFound("no such target", field="target")
        self.authorized.append((target, metadata))

    def complete(self, upload: Upload) -> dict[str, Any]:
        self.completed.append((upload.target, upload_data(upload=upload)))
        return {"blob": len(self.completed), "target": upload.target}


@pytest.fixture
def blob_purpose():
    recorder = Recorder()
    purposes.upload_purpose_register(
        "test_blob", authorize=recorder.authorize, complete=recorder.complete, max_bytes=1000,
        content_types=["application/octet-stream", "video/*"],
    )  # fmt: skip
    yield recorder
    purposes._purposes.pop("test_blob", None)

from __future__ import annotations

import io

from pypdf import PdfReader

from anxin.reports.models import ServiceReport


def pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def stored_bytes(report: ServiceReport) -> bytes:
    with report.file.open("rb") as f:
        return f.read()

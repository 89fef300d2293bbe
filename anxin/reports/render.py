"""HTML template → PDF with WeasyPrint (docs/decisions.md, ADR 22: chosen by measurement over ReportLab).

The page is a Django template (``reports/service_report.html``) so the layout is edited like any other
page. WeasyPrint fetches nothing from outside: photos arrive as data: URIs made by ``sections``, the
font is the subset bundled in ``fonts/`` and any other URL (a link someone typed into a free-text
field cannot be one: text is escaped, but the fetcher is the second fence) is refused.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

from django.template.loader import render_to_string
from django.utils.translation import gettext
from PIL import ImageFile

from anxin.core.exceptions import DomainError
from anxin.reports.sections import ReportContent

FONT_DIR = Path(__file__).resolve().parent / "fonts"
# WenQuanYi Micro Hei cut down to GB 2312 (6,763 hanzi) + Latin + CJK punctuation; fonts/README.md.
FONT_FILE = FONT_DIR / "AnxinReportSans-GB2312.ttf"


class ReportUnavailable(DomainError):
    """This machine cannot make PDFs (pango missing): the answer says so instead of failing with a 500."""

    status = 503
    code = "report_unavailable"


class ReportFetchRefused(ValueError):
    """The report template asked WeasyPrint for a URL it may not fetch."""


@cache
def _url_fetcher() -> Any:
    """data: URIs and the bundled font file; anything else stops the rendering."""
    from weasyprint.urls import URLFetcher

    class ReportUrlFetcher(URLFetcher):
        def fetch(self, url: str, headers: Any = None) -> Any:
            if not url.startswith("data:") and url != FONT_FILE.as_uri():
                raise ReportFetchRefused(url)
            return super().fetch(url, headers)

    return ReportUrlFetcher(allowed_protocols=("data", "file"), fail_on_errors=True)


@cache
def _font_config() -> Any:
    """One font configuration per process: fontconfig's set-up is paid once, not per report."""
    from weasyprint.text.fonts import FontConfiguration

    return FontConfiguration()


def report_html(content: ReportContent) -> str:
    return render_to_string(
        "reports/service_report.html", {"report": content, "font_url": FONT_FILE.as_uri()}
    )


def report_pdf(content: ReportContent) -> bytes:
    """The PDF bytes (A4, Chinese, text extractable)."""
    try:
        from weasyprint import HTML  # imported here: loading pango costs ~0.3 s, paid by PDF makers only
    except (OSError, ImportError) as exc:  # WeasyPrint loads libpango through ctypes at import
        raise ReportUnavailable(
            gettext("服务器缺少生成 PDF 所需的组件（pango），暂时无法生成服务报告"), field="number"
        ) from exc

    # WeasyPrint's import turns Pillow's LOAD_TRUNCATED_IMAGES on for the whole process; our reports embed
    # only pictures we re-encoded ourselves, so switch it back for every other decoder in this process.
    ImageFile.LOAD_TRUNCATED_IMAGES = False
    document = HTML(string=report_html(content), url_fetcher=_url_fetcher(), base_url=str(FONT_DIR))
    pdf: bytes = document.write_pdf(font_config=_font_config())
    return pdf

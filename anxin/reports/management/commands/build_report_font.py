"""Rebuild the report font subset (anxin/reports/fonts/AnxinReportSans-GB2312.ttf) from WenQuanYi Micro Hei.

python manage.py build_report_font [--source /usr/share/fonts/truetype/wqy/wqy-microhei.ttc]

Keeps every character of GB 2312 (6,763 hanzi and its symbols), printable ASCII and Latin-1, general
punctuation and the CJK symbol and full-width blocks; drops the rest (5.2 MB → 1.3 MB). Run it on a
machine with Debian's fonts-wqy-microhei installed; the licence is in fonts/README.md.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from anxin.reports.render import FONT_FILE

SOURCE = "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc"


def gb2312_characters() -> set[int]:
    found = set()
    for high in range(0xA1, 0xF8):
        for low in range(0xA1, 0xFF):
            try:
                found.add(ord(bytes([high, low]).decode("gb2312")))
            except UnicodeDecodeError:
                continue
    return found


def report_characters() -> set[int]:
    blocks = [(0x20, 0x7F), (0xA0, 0x100), (0x2000, 0x2070), (0x3000, 0x3040), (0xFF00, 0xFFF0)]
    return gb2312_characters() | {cp for start, end in blocks for cp in range(start, end)}


class Command(BaseCommand):
    help = "Rebuild the bundled CJK font subset of the service report."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--source", default=SOURCE, help="WenQuanYi Micro Hei (.ttc, face 0 is used)")

    def handle(self, *args: Any, **options: Any) -> None:
        from fontTools import subset

        source = Path(options["source"])
        if not source.exists():
            raise CommandError(f"{source} not found: apt-get install fonts-wqy-microhei")
        settings = subset.Options()
        settings.font_number = 0  # the proportional face; 1 is the monospaced one
        settings.layout_features = ["*"]
        settings.name_IDs = ["*"]  # keeps the copyright and licence names of the original
        settings.notdef_outline = True
        font = subset.load_font(str(source), settings)
        subsetter = subset.Subsetter(settings)
        subsetter.populate(unicodes=report_characters())
        subsetter.subset(font)
        font.save(str(FONT_FILE))
        self.stdout.write(f"{FONT_FILE} ({FONT_FILE.stat().st_size // 1024} KB)")

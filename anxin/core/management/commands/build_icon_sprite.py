"""Rebuild static/vendor/tabler-icons/sprite.svg from the Tabler Icons npm package (development time only)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from anxin.core.icons import ICONS, SPRITE, SYMBOL_PREFIX

# The package's files are `<svg ...attributes...>children</svg>`; a symbol needs only the children.
BODY = re.compile(r"<svg[^>]*>(.*)</svg>", re.S)
# Tabler adds a transparent bounding-box path to every icon; it is 24x24 of nothing.
BOUNDING_BOX = '<path stroke="none" d="M0 0h24v24H0z" fill="none" />'
# On each symbol, not on the sprite's root: a <use> from another document inherits only from the symbol.
STROKE = 'fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round" stroke-linejoin="round"'


class Command(BaseCommand):
    help = "Write the SVG sprite of the icons listed in anxin/core/icons.py from a Tabler Icons 'outline' folder."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("outline_dir", type=Path, help="…/@tabler/icons/icons/outline from `npm pack`")

    def handle(self, *args: Any, outline_dir: Path, **options: Any) -> None:
        symbols = []
        for name in ICONS:
            source = outline_dir / f"{name}.svg"
            if not source.exists():
                raise CommandError(f"{source} not found: is '{name}' a Tabler outline icon?")
            match = BODY.search(source.read_text(encoding="utf-8"))
            if not match:
                raise CommandError(f"{source} is not a single <svg> element")
            body = " ".join(match.group(1).replace(BOUNDING_BOX, "").split())
            symbols.append(f'<symbol id="{SYMBOL_PREFIX}{name}" viewBox="0 0 24 24" {STROKE}>{body}</symbol>')
        target = Path(settings.BASE_DIR) / "static" / SPRITE
        target.write_text(
            '<svg xmlns="http://www.w3.org/2000/svg">\n' + "\n".join(symbols) + "\n</svg>\n", encoding="utf-8"
        )
        self.stdout.write(f"{target}: {len(symbols)} icons")

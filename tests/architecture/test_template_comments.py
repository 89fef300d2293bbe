"""Django's ``{# … #}`` comment ends at the line's end: one spanning lines is printed on the page
(a technician saw the quote page's developer note). Multi-line notes need ``{% comment %}``."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
UNCLOSED = re.compile(r"\{#(?:(?!#\}).)*$", re.MULTILINE)


def test_no_single_line_comment_runs_over_a_line():
    found = []
    for template in sorted(ROOT.glob("anxin/**/templates/**/*.html")) + sorted(
        ROOT.glob("templates/**/*.html")
    ):
        for line_number, line in enumerate(template.read_text(encoding="utf-8").splitlines(), 1):
            if UNCLOSED.search(line):
                found.append(f"{template.relative_to(ROOT)}:{line_number}")
    assert not found, "{# … #} spanning lines (use {% comment %}): " + ", ".join(found)


def test_the_check_finds_an_unclosed_comment():
    assert UNCLOSED.search("{# a note that goes on")
    assert not UNCLOSED.search("{# a note #} <p>text</p>")

"""The Tabler subset (static/vendor/tabler/tabler.subset.css, ADR 24) holds every Tabler class our sources use.

A template, our JS or a form widget that starts using a Tabler class the subset lacks would render unstyled
in production: this test names the class and the file, and `make css` fixes it."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _builder():  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location("build_css", ROOT / "scripts/build_css.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules["build_css"] = module
    spec.loader.exec_module(module)
    return module


build_css = _builder()


@pytest.fixture(scope="module")
def tabler_classes() -> set[str]:
    return build_css.stylesheet_classes(build_css.FULL.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def subset_classes() -> set[str]:
    return build_css.stylesheet_classes(build_css.SUBSET.read_text(encoding="utf-8"))


def test_every_tabler_class_our_sources_use_is_in_the_subset(tabler_classes, subset_classes):
    missing = []
    for path in build_css.source_files():
        used = build_css.classes_in(path.read_text(encoding="utf-8", errors="replace"))
        for name in sorted(used & tabler_classes - subset_classes):
            missing.append(f"{path.relative_to(ROOT)}: .{name}")
    assert not missing, "Tabler classes missing from the subset; run `make css`:\n" + "\n".join(missing)


def test_the_safelisted_classes_are_in_the_subset(tabler_classes, subset_classes):
    assert build_css.SAFELIST & tabler_classes <= subset_classes


def test_it_reads_class_names_the_way_templates_write_them():
    text = (
        '<span class="badge{% if x != "warning" %} attention{% endif %} tone-{{ t }}">'
        '{% include "p.html" with logout_class="btn-sm w-100" %}{% icon "x" css="text-muted" %}'
        '{# class="not-used" #}'
    )
    assert build_css.classes_in(text) == {"badge", "attention", "btn-sm", "w-100", "text-muted"}


def test_it_reads_class_names_from_python_and_js():
    assert build_css.classes_in('widget.attrs.setdefault("class", "form-select")') == {"form-select"}
    assert build_css.classes_in('el.className = "toast show"; el.classList.toggle("open", on)') == {
        "toast",
        "show",
        "open",
    }


def test_a_rule_stays_only_when_our_sources_use_all_its_classes():
    subset = build_css.Subset({"btn", "btn-primary"}, set())
    assert subset.keeps(".btn.btn-primary:hover")
    assert subset.keeps(".btn:not(.btn-ghost)")  # :not() arguments are not required
    assert subset.keeps("table>tbody")
    assert not subset.keeps(".btn .badge")
    assert not subset.keeps("[data-bs-theme=dark] .btn")

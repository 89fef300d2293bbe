"""Reads: divisions by code (the packaged tree; renamed codes lead to the current division)."""

from __future__ import annotations

from anxin.areas.tree import Division, get_tree


def division_get(code: str) -> Division | None:
    """The division with this code; an old code of a renamed division gives the current one."""
    return get_tree().get((code or "").strip())


def division_children(code: str) -> list[Division]:
    tree = get_tree()
    return [tree.by_code[c] for c in tree.children.get(code, [])]

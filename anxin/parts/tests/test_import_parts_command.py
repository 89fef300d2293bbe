"""manage.py import_parts: all or nothing, every problem named by line and column."""

from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command

from anxin.parts.models import Part


def test_a_file_with_errors_saves_nothing_and_names_line_and_field(tmp_path, admin_user, brand, capsys):
    path = tmp_path / "parts.csv"
    path.write_text(
        "\ufeffpart_number,name,list_price\nLC-A,灯管,10\nLC-B,,-1\nLC-A,重复,5\n", encoding="utf-8"
    )
    with pytest.raises(CommandError, match="nothing was saved"):
        call_command("import_parts", str(path), brand=brand.code)
    err = capsys.readouterr().err
    assert "line 3, name" in err and "line 3, list_price" in err and "line 4, part_number" in err
    assert Part.objects.count() == 0


def test_a_clean_file_creates_and_then_updates(tmp_path, admin_user, brand):
    path = tmp_path / "parts.csv"
    path.write_text("part_number,name,list_price,return_required\nLC-A,灯管,10,1\n", encoding="utf-8")
    call_command("import_parts", str(path), brand=brand.code)
    path.write_text("part_number,name,list_price,return_required\nLC-A,紫外灯管,12.00,0\n", encoding="utf-8")
    call_command("import_parts", str(path), brand=brand.code, user=admin_user.username)
    part = Part.objects.get()
    assert (part.name, str(part.list_price), part.return_required) == ("紫外灯管", "12.00", False)


def test_an_unknown_brand_or_header_is_refused(tmp_path, admin_user, brand):
    path = tmp_path / "parts.csv"
    path.write_text("number,name\nX,Y\n", encoding="utf-8")
    with pytest.raises(CommandError):
        call_command("import_parts", str(path), brand="nope")
    with pytest.raises(CommandError):
        call_command("import_parts", str(path), brand=brand.code)

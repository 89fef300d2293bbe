"""manage.py resolve_areas: stdin lines → TSV."""

from __future__ import annotations

import io

from django.core.management import call_command


def run(monkeypatch, text: str, *args: str) -> list[list[str]]:
    monkeypatch.setattr("sys.stdin", io.StringIO(text))
    out = io.StringIO()
    call_command("resolve_areas", *args, stdout=out)
    return [line.split("\t") for line in out.getvalue().splitlines()]


def test_it_writes_one_tsv_row_per_input_line(monkeypatch):
    rows = run(monkeypatch, "北京市朝阳区建国路88号\n儋州市兰洋镇\n朝阳区\n万元以上\n\n")

    assert rows == [
        ["北京市朝阳区建国路88号", "110105", "", "北京市/朝阳区", "ok"],
        ["儋州市兰洋镇", "460400", "460400105", "海南省/儋州市/兰洋镇", "ok"],
        ["朝阳区", "", "", "北京市/朝阳区 | 吉林省/长春市/朝阳区", "ambiguous"],
        ["万元以上", "", "", "", "none"],
        ["", "", "", "", "none"],
    ]


def test_it_writes_a_header_on_request_and_keeps_tabs_out_of_fields(monkeypatch):
    rows = run(monkeypatch, "北京市\t朝阳区\n", "--header")

    assert rows[0] == ["input", "county_code", "township_code", "name_path", "status"]
    assert rows[1] == ["北京市 朝阳区", "110105", "", "北京市/朝阳区", "ok"]

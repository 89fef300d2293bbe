"""coverage_text_parse and coverage_import: pasted lists become coverage rows; what does not resolve is shown."""

from __future__ import annotations

import pytest

from anxin.areas.coverage import coverage_text_parse
from anxin.core.exceptions import NotFound, PermissionDenied, ValidationFailed
from anxin.network.models import CoverageArea
from anxin.network.services import coverage_delete, coverage_import

BRIEF_LIST = (
    "达州市通川区、长春市榆树市、大理剑川县、甘孜石渠县、儋州市兰洋镇、内蒙古通辽市奈曼旗、湘西州保靖县、"
    "直辖县潜江市、海南贵南县、东莞市虎门镇…"
)


def test_it_splits_on_the_enumeration_comma_and_new_lines_and_resolves_every_item():
    lines = coverage_text_parse(BRIEF_LIST + "\n中山市港口镇\n上海市徐汇区，重庆市秀山县")

    assert [line.resolution.code for line in lines] == [
        "511702", "220182", "532931", "513332", "460400105", "150525", "433125", "429005", "632525",
        "441900121", "442000108", "310104", "500241",
    ]  # fmt: skip
    assert all(line.importable for line in lines)


def test_it_marks_items_starting_with_buhan_or_a_minus_as_exclusions():
    lines = coverage_text_parse("达州市、不含通川区、-达州市达川区")

    assert [(line.exclude, line.resolution.code) for line in lines] == [
        (False, "511700"), (True, "511702"), (True, "511703"),
    ]  # fmt: skip


def test_it_explains_why_an_item_will_not_be_saved():
    lines = {line.text: line for line in coverage_text_parse("朝阳区、万元以上、东区、北京市朝阳区某某小区")}

    assert "北京市/朝阳区" in lines["朝阳区"].problem and "吉林省/长春市/朝阳区" in lines["朝阳区"].problem
    assert lines["万元以上"].problem == "无法识别为行政区划"
    assert lines["东区"].problem == "无法识别为行政区划"
    assert "某某小区" in lines["北京市朝阳区某某小区"].problem
    assert not any(line.importable for line in lines.values())


@pytest.mark.django_db
def test_a_dispatcher_imports_the_resolvable_items_and_gets_the_rest_back(dispatcher, service_point):
    result = coverage_import(
        actor=dispatcher, service_point=service_point, text=BRIEF_LIST + "、朝阳区、东区"
    )

    assert (result.created, result.updated, len(result.skipped)) == (10, 0, 2)
    assert [line.text for line in result.skipped] == ["朝阳区", "东区"]
    rows = {c.division_code: c for c in CoverageArea.objects.filter(service_point=service_point)}
    assert rows["460400105"].name_path == "海南省/儋州市/兰洋镇" and rows["460400105"].level == 4
    assert rows["632525"].name_path == "青海省/海南藏族自治州/贵南县" and not rows["632525"].exclude


@pytest.mark.django_db
def test_importing_again_updates_exclusions_and_replace_clears_old_rows(admin_user, service_point):
    coverage_import(actor=admin_user, service_point=service_point, text="达州市、通川区")
    again = coverage_import(actor=admin_user, service_point=service_point, text="达州市、不含达州市通川区")
    assert (again.created, again.updated) == (0, 1)
    assert CoverageArea.objects.get(division_code="511702").exclude is True

    replaced = coverage_import(actor=admin_user, service_point=service_point, text="东莞市", replace=True)

    assert (replaced.removed, replaced.created) == (2, 1)
    assert list(CoverageArea.objects.values_list("division_code", flat=True)) == ["441900"]


@pytest.mark.django_db
def test_it_rejects_an_empty_list(dispatcher, service_point):
    with pytest.raises(ValidationFailed):
        coverage_import(actor=dispatcher, service_point=service_point, text=" 、\n ")


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["agent", "brand_staff", "outsider"])
def test_it_rejects_roles_other_than_dispatcher_and_admin(request, role, service_point):
    actor = request.getfixturevalue(role)

    with pytest.raises(PermissionDenied):
        coverage_import(actor=actor, service_point=service_point, text="达州市")
    assert not CoverageArea.objects.exists()


@pytest.mark.django_db
def test_coverage_delete_removes_only_this_points_entry(dispatcher, service_point):
    coverage_import(actor=dispatcher, service_point=service_point, text="达州市")
    entry = CoverageArea.objects.get()

    coverage_delete(actor=dispatcher, service_point=service_point, coverage_id=entry.pk)

    assert not CoverageArea.objects.exists()
    with pytest.raises(NotFound):
        coverage_delete(actor=dispatcher, service_point=service_point, coverage_id=entry.pk)


def test_it_notes_how_cut_off_and_historical_items_were_read():
    cut, old, plain, unsure = coverage_text_parse("州市越秀区、资阳市简阳市、达州市通川区、市朝阳区")

    assert (cut.importable, cut.reading) == (True, "读作：广州市越秀区（前缀截断）")
    assert (old.importable, old.reading) == (True, "历史名称：资阳市简阳市 → 成都市简阳市（2016 年调整）")
    assert plain.reading == ""
    assert not unsure.importable
    assert unsure.problem == "有歧义（前缀截断）：北京市/朝阳区；吉林省/长春市/朝阳区"
